/** Whether the operating system reports its clock synchronised by NTP. */
export interface NtpStatus {
  /** Resolves true only when the OS says the clock is synchronised; false when not or when it cannot tell. */
  isSynchronized(): Promise<boolean>;
}
