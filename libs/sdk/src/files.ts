/** POST /files. Coder's quirk: `hash` holds the file's id (a UUID), not its digest. */
export interface UploadResponse {
  hash: string;
}
