import { Type } from 'typebox';
import { EXIT_TYPES, REGRETTABLE } from '../answers/cohort.ts';
import { GROUP_BY } from './summary.ts';

const Quarter = Type.String({ pattern: '^[0-9]{4}-Q[1-4]$', description: 'e.g. 2026-Q1' });

export const SummaryQuery = Type.Object(
  {
    from: Quarter,
    to: Quarter,
    department: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'Department id or name; its sub-departments are included' }),
    ),
    exitType: Type.Optional(Type.Enum([...EXIT_TYPES])),
    regrettable: Type.Optional(
      Type.Enum([...REGRETTABLE], {
        description: "HR's judgement as copied when the leaver completed; not combinable with groupBy=tenure",
      }),
    ),
    groupBy: Type.Optional(Type.Enum([...GROUP_BY])),
  },
  { additionalProperties: false },
);

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const Measures = {
  suppressed: Type.Literal(false),
  responses: Type.Integer(),
  invited: Type.Integer(),
  responseRate: Nullable(Type.Number()),
  primaryReasons: Type.Array(Type.Object({ code: Type.String(), count: Type.Integer(), share: Type.Number() })),
  reasons: Type.Array(Type.Object({ code: Type.String(), count: Type.Integer() })),
  enps: Nullable(
    Type.Object({
      score: Type.Number(),
      promoters: Type.Integer(),
      passives: Type.Integer(),
      detractors: Type.Integer(),
      distribution: Type.Array(Type.Integer()),
    }),
  ),
  wouldReturn: Nullable(Type.Object({ mean: Type.Number(), share4to5: Type.Number() })),
  managerSupport: Nullable(Type.Object({ mean: Type.Number() })),
};

/** A group is its measures, or only `{"suppressed": true}`: no count of a suppressed group anywhere. */
export const Cell = Type.Union([Type.Object(Measures), Type.Object({ suppressed: Type.Literal(true) }, { additionalProperties: false })]);

export const SummaryJson = Type.Object({
  k: Type.Integer(),
  from: Quarter,
  to: Quarter,
  department: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
  exitType: Nullable(Type.String()),
  regrettable: Nullable(Type.String()),
  groupBy: Nullable(Type.String()),
  total: Nullable(Cell),
  groups: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), value: Cell })),
  rolledUp: Nullable(
    Type.Object({ reason: Type.Enum(['period', 'department']), from: Quarter, to: Quarter, department: Nullable(Type.String()) }),
  ),
  lessDetailed: Type.Boolean({
    description:
      'Some answers that may belong here are known only at a coarser level (generalized to keep every stored group at least k); they count in the wider totals they fit',
  }),
});
