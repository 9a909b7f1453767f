import t from 'tap';
import { releaseAnswers } from '../server/answers/release.ts';
import { saveAction } from '../server/improvements/actions.ts';
import { quarterlyData } from '../server/reports/quarterly-data.ts';
import { buildTestApp } from './helpers/app.ts';
import { invitedLeaver, validAnswers } from './helpers/fixtures.ts';

t.test('a quarterly report names its department even when its quarter is suppressed, and quotes only published actions', async (t) => {
  const { app } = await buildTestApp(t);
  const { id } = await app.db
    .insertInto('department')
    .values({ name: '法務課 Legal', parent_id: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const action = {
    titleEn: '',
    descriptionJa: '',
    descriptionEn: '',
    reasonCodes: [],
    departmentIds: [],
    status: 'planned' as const,
    startedOn: null,
    doneOn: null,
  };
  await app.db.transaction().execute(async (trx) => {
    await saveAction(trx, undefined, { ...action, titleJa: '公開した施策', published: true });
    await saveAction(trx, undefined, { ...action, titleJa: '検討中の下書き', published: false });
  });
  // Five answers elsewhere: the organisation's quarter can be shown, so the summary rolls up to it.
  for (let i = 0; i < 5; i++) {
    const { token } = await invitedLeaver(app, { department: '営業部', lastDay: '2026-02-15', hireDate: '2020-04-01' });
    t.equal(
      (
        await app.inject({
          method: 'POST',
          url: `/s/${token}/complete`,
          headers: { 'content-type': 'application/json' },
          payload: { answers: validAnswers() },
        })
      ).statusCode,
      201,
    );
  }
  await releaseAnswers(app.db, app.keys.answerPool, { k: 5, maxDays: 30, force: true });
  const data = await quarterlyData(app, '2026-Q1', id, { all: true }, 'ja');
  t.ok(data.current.suppressed, 'nobody answered: the quarter is suppressed');
  t.equal(data.department.name, '法務課 Legal', 'and the report still says whose it is');
  t.same(
    data.actions.map((a) => a.title),
    ['公開した施策'],
    "a draft action is not in a manager's report",
  );
});
