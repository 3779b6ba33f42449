import { ApiError, errorFromBody } from './client.js';

export interface UploadProgress {
  readonly loaded: number;
  readonly total: number;
}

/**
 * POSTs a file as multipart/form-data with XMLHttpRequest (fetch cannot report upload progress). Sends the
 * session cookie and the CSRF header; resolves with the JSON answer, rejects with an ApiError.
 */
export function uploadFile<T>(
  path: string,
  field: string,
  file: File,
  options: { headers: Record<string, string>; onProgress?: (progress: UploadProgress) => void; signal?: AbortSignal },
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', path);
    request.withCredentials = true;
    request.setRequestHeader('accept', 'application/json');
    for (const [name, value] of Object.entries(options.headers)) request.setRequestHeader(name, value);
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) options.onProgress?.({ loaded: event.loaded, total: event.total });
    });
    request.addEventListener('load', () => {
      let body: unknown;
      try {
        body = request.responseText ? JSON.parse(request.responseText) : undefined;
      } catch {
        body = undefined;
      }
      if (request.status >= 200 && request.status < 300) resolve(body as T);
      else reject(errorFromBody(request.status, body, request.getResponseHeader('retry-after')));
    });
    request.addEventListener('error', () =>
      reject(new ApiError(0, 'network', 'Cannot reach the portal. Check your connection and try again.')),
    );
    request.addEventListener('abort', () => reject(new DOMException('The upload was cancelled.', 'AbortError')));
    options.signal?.addEventListener('abort', () => request.abort(), { once: true });
    const form = new FormData();
    form.append(field, file, file.name);
    request.send(form);
  });
}
