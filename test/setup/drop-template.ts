import { rmSync } from 'node:fs';
import postgres from 'postgres';
import { adminUrl, pgliteTemplateFile, pgTemplateName } from '../helpers/template.ts';

/** Run by tap after every test file: nothing the suite made outlives it. */
if (adminUrl) {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`ALTER DATABASE ${pgTemplateName()} WITH IS_TEMPLATE false`).catch(() => {});
  await admin.unsafe(`DROP DATABASE IF EXISTS ${pgTemplateName()} WITH (FORCE)`);
  await admin.end();
} else {
  rmSync(pgliteTemplateFile(), { force: true });
}
