import { fileURLToPath } from 'node:url';
import fp from 'fastify-plugin';
import { AppError } from '../errors/app-error.ts';
import type { Locale } from '../i18n/messages.ts';
import { findSurveyVersion, readSurveyFiles, storeSurveyVersions, type SurveyVersion } from './registry.ts';
import { type AnswerChecker, answerChecker, type CheckedAnswers } from './validate-answers.ts';

export const SURVEYS_DIR = fileURLToPath(new URL('../../surveys', import.meta.url));
export const DEFAULT_SURVEY = 'exit-interview';

export interface Surveys {
  /** The version of a survey that this instance serves to new respondents. */
  current(survey: string): SurveyVersion;
  /** Any stored version (a respondent may finish the version they started). */
  version(id: string): Promise<SurveyVersion | undefined>;
  /** Validates answers against a version with survey-core (one cached model per version). */
  check(version: SurveyVersion, answers: Record<string, unknown>, locale: Locale): CheckedAnswers;
}

declare module 'fastify' {
  interface FastifyInstance {
    surveys: Surveys;
  }
}

/** Loads surveys/*.json at start, stores each version with its hash, serves them. */
export const surveysPlugin = fp<{ dir?: string }>(
  async (app, options) => {
    const stored = await storeSurveyVersions(app.db, await readSurveyFiles(options.dir ?? SURVEYS_DIR));
    const current = new Map(stored.map((version) => [version.survey, version]));
    // Versions are immutable once stored, so caching them per instance is safe.
    const byId = new Map(stored.map((version) => [version.id, version]));
    const checkers = new Map<string, AnswerChecker>();
    app.decorate('surveys', {
      current(survey: string) {
        const version = current.get(survey);
        if (!version) throw new AppError({ code: 'survey_missing', status: 500, messageKey: 'error.server' });
        return version;
      },
      async version(id: string) {
        if (!byId.has(id)) {
          const found = await findSurveyVersion(app.db, id);
          if (found) byId.set(id, found);
        }
        return byId.get(id);
      },
      check(version, answers, locale) {
        let checker = checkers.get(version.id);
        if (!checker) checkers.set(version.id, (checker = answerChecker(version.definition)));
        return checker(answers, locale);
      },
    });
  },
  { name: 'honne-surveys', dependencies: ['honne-db'] },
);
