import type { Page } from 'playwright-core';

/*
 * The default exit interview answered as one Japanese leaver does, page by page;
 * the respondent and alumni journeys both walk it. Each step leaves the last
 * button to its caller, which may check or photograph the page first.
 */

/** Page one: the main reason (manager), a contributing one, and the manager follow-up it reveals. */
export async function answerFirstPage(page: Page): Promise<void> {
  await page.locator('[data-name="primary_reason"]').getByText('上司・マネジメント', { exact: true }).click();
  await page.locator('[data-name="reasons"]').getByText('給与・福利厚生', { exact: true }).click();
  await page.locator('[data-name="manager_aspects"]').getByText('公平さ', { exact: true }).click();
}

/** From page one to page two, answered, and on to page three. */
export async function answerSecondPage(page: Page): Promise<void> {
  await page.locator('.sd-navigation__next-btn').click();
  await page.locator('[data-name="manager_support"]').waitFor();
  await page.locator('[data-name="manager_support"] .sd-rating__item').filter({ hasText: /^2$/ }).click();
  await page.locator('[data-name="liked_most"] textarea').fill('同僚に恵まれたこと');
  await page.locator('.sd-navigation__next-btn').click();
}

/** Page three, answered but not yet completed. */
export async function answerLastPage(page: Page): Promise<void> {
  await page.locator('[data-name="enps"]').waitFor();
  await page.locator('[data-name="enps"] .sd-rating__item').filter({ hasText: /^7$/ }).click();
  await page.locator('[data-name="would_return"] .sd-rating__item').filter({ hasText: /^4$/ }).click();
  await page.locator('[data-name="improvement"] textarea').fill('評価の基準をもっと透明にしてほしい');
}
