/** What identity needs from the graduate registry (bound to the alumni domain's RegistryService). */
export interface GraduateIdentityQuery {
  surname: string;
  givenName: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  personalId?: string;
}

export interface GraduateMatch {
  id: string;
  email: string | null;
}

export abstract class GraduateDirectory {
  abstract findGraduateByIdentity(query: GraduateIdentityQuery): Promise<GraduateMatch | null>;
}
