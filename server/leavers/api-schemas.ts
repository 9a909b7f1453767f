import { Type } from 'typebox';
import { EXIT_TYPES } from '../answers/cohort.ts';
import { LeaverInput } from './leaver-input.ts';
import { INVITATION_STATUSES } from './list-leavers.ts';

export const ErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String() }),
  errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
});

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const RehireEligibility = Type.Enum(['eligible', 'conditional', 'not_eligible']);

/** A leaver as the API returns it; name, email and employee id are null once erased by retention. */
export const LeaverJson = Type.Object({
  id: Type.String({ format: 'uuid' }),
  employeeId: Nullable(Type.String()),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  department: Type.String(),
  departmentId: Type.String({ format: 'uuid' }),
  hireDate: Type.String({ format: 'date' }),
  lastDay: Type.String({ format: 'date' }),
  exitType: Type.Enum([...EXIT_TYPES]),
  locale: Type.Enum(['ja', 'en']),
  regrettable: Nullable(Type.Boolean()),
  rehireEligibility: Nullable(RehireEligibility),
  rehireNote: Nullable(Type.String()),
  status: Type.Enum([...INVITATION_STATUSES]),
  invitedOn: Nullable(Type.String({ format: 'date' })),
  scheduledFor: Nullable(Type.String({ format: 'date' })),
  expiresOn: Nullable(Type.String({ format: 'date' })),
  remindersSent: Type.Integer(),
  erased: Type.Boolean(),
});

/** PUT: the registration fields, plus HR's own judgements (null clears one). */
export const LeaverUpdate = Type.Object(
  {
    ...LeaverInput.properties,
    regrettable: Type.Optional(Nullable(Type.Boolean())),
    rehireEligibility: Type.Optional(Nullable(RehireEligibility)),
    rehireNote: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  },
  { additionalProperties: false },
);

export const LeaverQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    department: Type.Optional(Type.String({ format: 'uuid' })),
    status: Type.Optional(Type.Enum([...INVITATION_STATUSES])),
    from: Type.Optional(Type.String({ format: 'date' })),
    to: Type.Optional(Type.String({ format: 'date' })),
    page: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,5}$', description: 'Page number, from 1' })),
  },
  { additionalProperties: false },
);
