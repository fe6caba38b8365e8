// SQL both logs read with: the row's organization and user in wire shape, users matched by name or email.
import { USER_COLUMNS } from '#coderd/users/users.repository.js';

/** `{id, name, display_name, icon}` of the organization joined as `o`, or NULL. */
export const MINIMAL_ORGANIZATION_JSON = `CASE WHEN o.id IS NULL THEN NULL
  ELSE json_build_object('id', o.id, 'name', o.name, 'display_name', o.display_name, 'icon', o.icon) END`;

/** The user `idColumn` names as a UserRow (deleted users included: history outlives them), or NULL. */
export const userJson = (idColumn: string) => `(SELECT row_to_json(x) FROM (SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ${idColumn}) x)`;

/** `col IN (...)` for users by case-insensitive, not deleted, username; `param` is the placeholder. */
export const userNamed = (col: string, param: string) => `${col} IN (SELECT n.id FROM users n WHERE lower(n.username) = ${param} AND NOT n.deleted)`;

/** `col IN (...)` for users by exact email. */
export const userEmailed = (col: string, param: string) => `${col} IN (SELECT n.id FROM users n WHERE n.email = ${param})`;
