console.log('start');
const { PGlite } = await import('@electric-sql/pglite');
console.log('imported');
const pg = new PGlite();
await pg.waitReady;
console.log('ready');
console.log((await pg.query('select 1 as x')).rows);
