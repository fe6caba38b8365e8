import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { badRequest, notFound } from '#httpapi/api-error.js';
import type { Actor } from '#httpapi/auth-decorators.js';
import { UUID_RE } from '#httpapi/pagination.js';
import { checkTar, TAR_MIME, ZIP_MIME, zipToTar } from '#provisioner/archive.js';
import { TarFormatError } from '#provisioner/tar.js';
import type { RbacObject } from '#rbac/authorizer.js';
import { AuthzService } from '../auth/authz.service.js';
import { FilesRepository, type FileRow } from './files.repository.js';

export const fileObject = (f: { id: string; created_by: string }): RbacObject => ({ type: 'file', id: f.id, ownerId: f.created_by });

/** Template archives: stored once per uploader and content (sha256), always as tar. */
@Injectable()
export class FilesService {
  constructor(
    private readonly files: FilesRepository,
    private readonly authz: AuthzService,
  ) {}

  async upload(actor: Actor, contentType: string, body: unknown): Promise<{ id: string; created: boolean }> {
    const type = contentType.split(';')[0].trim().toLowerCase();
    if (type !== TAR_MIME && type !== ZIP_MIME) {
      throw badRequest(`Unsupported content type header "${contentType}".`, `These values are supported: ${TAR_MIME}, ${ZIP_MIME}.`);
    }
    this.authz.requireCreate(actor, { type: 'file', ownerId: actor.subject.id }, 'files');
    if (!Buffer.isBuffer(body) || body.length === 0) throw badRequest('The file is empty.', 'Send a tar or zip archive as the request body.');
    let tar: Uint8Array;
    try {
      tar = type === ZIP_MIME ? zipToTar(body) : (checkTar(body), body);
    } catch (err) {
      if (err instanceof TarFormatError) throw badRequest('The file is not a valid archive.', err.message);
      throw err;
    }
    const hash = createHash('sha256').update(tar).digest('hex');
    const { row, created } = await this.files.insertOrGet({ id: randomUUID(), hash, createdBy: actor.subject.id, mimetype: TAR_MIME, data: tar });
    return { id: row.id, created };
  }

  /** A file the actor may read (404 otherwise, also for ids that are not UUIDs). */
  async find(actor: Actor, id: string): Promise<FileRow> {
    const row = isUuid(id) ? await this.files.find(id) : undefined;
    if (!row) throw notFound();
    this.authz.requireRead(actor, fileObject(row));
    return row;
  }

  async download(actor: Actor, id: string): Promise<{ mimetype: string; data: Buffer }> {
    const row = await this.find(actor, id);
    return { mimetype: row.mimetype, data: (await this.files.data(row.id))! };
  }
}

export const isUuid = (s: string) => UUID_RE.test(s);
