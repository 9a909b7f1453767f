import { type Static, Type } from 'typebox';
import { CONSENT_PURPOSES, type ConsentPurpose } from '../db/alumni-schema.ts';
import type { Locale } from '../db/schema.ts';
import { isLocale, type MessageKey } from '../i18n/messages.ts';
import { CsrfField } from '../web/csrf.ts';
import type { Profile } from './membership.ts';

// Browsers send every text field, empty or not; a checkbox group sends nothing, one value or several.
const Text = (max: number) => Type.Optional(Type.String({ maxLength: max }));
const Purposes = Type.Optional(
  Type.Union([Type.Enum([...CONSENT_PURPOSES]), Type.Array(Type.Enum([...CONSENT_PURPOSES]), { maxItems: 5 })]),
);

export const ProfileForm = Type.Object(
  {
    name: Text(200),
    email: Text(254),
    company: Text(200),
    jobTitle: Text(200),
    profileUrl: Text(500),
    locale: Text(2),
    consents: Purposes,
    ...CsrfField,
  },
  { additionalProperties: false },
);
export type ProfileForm = Static<typeof ProfileForm>;

export const ConsentForm = Type.Object({ consents: Purposes, ...CsrfField }, { additionalProperties: false });

export type FormErrors = Partial<Record<'name' | 'email' | 'profileUrl', MessageKey>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const optional = (value: string | undefined) => value?.trim() || null;

export function chosenPurposes(value: ConsentPurpose | ConsentPurpose[] | undefined): ConsentPurpose[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return CONSENT_PURPOSES.filter((purpose) => list.includes(purpose));
}

/** The form as a profile and an address, or what is wrong with it (field → message). */
export function parseProfileForm(body: ProfileForm, fallbackLocale: Locale): { profile: Profile; email: string; errors: FormErrors } {
  const errors: FormErrors = {};
  const name = body.name?.trim() ?? '';
  const email = body.email?.trim() ?? '';
  const profileUrl = optional(body.profileUrl);
  if (!name) errors.name = 'alumni.error.name_required';
  if (!EMAIL.test(email)) errors.email = 'alumni.error.email_invalid';
  if (profileUrl && !/^https?:\/\/[^\s/]+\.[^\s]+$/i.test(profileUrl)) errors.profileUrl = 'alumni.error.url_invalid';
  const profile = {
    name,
    company: optional(body.company),
    jobTitle: optional(body.jobTitle),
    profileUrl,
    locale: isLocale(body.locale) ? body.locale : fallbackLocale,
  };
  return { profile, email, errors };
}
