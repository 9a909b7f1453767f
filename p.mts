import { PGlite, types } from '@electric-sql/pglite';
const t0 = Date.now();
const pg = await PGlite.create({ parsers: { [types.INT8]: Number, [types.DATE]: (v: string) => v } });
console.log('init ms', Date.now()-t0, types.INT8, types.DATE, types.NUMERIC, types.TIMESTAMPTZ);
const r = await pg.query("select count(*) as c, current_date as d, now() as n, 1.5::numeric as x, gen_random_uuid() as u, version()");
console.log(r.rows);
const t1 = Date.now(); const dump = await pg.dumpDataDir('none'); console.log('dump', dump.size, Date.now()-t1);
const t2 = Date.now(); const pg2 = await PGlite.create({ loadDataDir: dump }); console.log('load ms', Date.now()-t2);
console.log((await pg2.query('select 1 as x')).rows);
