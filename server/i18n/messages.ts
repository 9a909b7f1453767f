import { alumniMessages } from '../alumni/messages.ts';
import { improvementMessages } from '../improvements/messages.ts';
import { insightMessages } from '../insights/messages.ts';
import { reportMessages } from '../reports/messages.ts';
import { invitationMessages } from '../invitations/messages.ts';
import { departmentMessages } from '../departments/messages.ts';
import { importMessages } from '../leavers/import/messages.ts';
import { leaverMessages } from '../leavers/messages.ts';
import { staffMessages } from '../staff/messages.ts';
import { userMessages } from '../staff/user-messages.ts';

import { isLocale, type Locale } from './locale.ts';

export { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from './locale.ts';

const coreJa = {
  'app.name': 'Honne',
  'app.tagline': '退職者アンケート',
  'lang.switch': 'English',
  'home.body': 'Honne は退職者アンケートのためのサービスです。回答される方は、メールに記載されたリンクから開いてください。',
  'error.title': 'エラー',
  'error.not_found': 'ページが見つかりません。',
  'error.bad_request': '入力内容に誤りがあります。',
  'error.validation': '入力内容を確認してください。',
  'error.unauthorized': '認証が必要です。有効な API トークンを指定してください。',
  'error.forbidden': 'この操作は許可されていません。',
  'error.payload_too_large': '送信されたデータが大きすぎます。',
  'error.invalid_text':
    '使用できない文字(NUL 文字、または壊れた文字)が含まれています。その文字を取り除いてから、もう一度送信してください。',
  'error.too_deep': '送信されたデータの入れ子が深すぎます。',
  'error.conflict': '競合が発生しました。',
  'error.server': '申し訳ありません。サーバーでエラーが発生しました。時間をおいて再度お試しください。',
  'error.leaver_exists': '社員番号 {employeeId} の退職者はすでに登録され、アンケートが進行中です。',
  'error.department_ambiguous': '部署名「{department}」に該当する部署が複数あります。ID で指定してください。',
  'error.dates_order': '退職日は入社日以降の日付にしてください。',
  'link.unknown.title': 'リンクが見つかりません',
  'link.unknown.body': 'このアンケートのリンクは無効です。メールに記載されたリンクをそのまま開いているかご確認ください。',
  'link.expired.title': '回答期限が過ぎました',
  'link.expired.body': 'このアンケートの回答期限は終了しました。ご協力いただこうとしてくださり、ありがとうございました。',
  'link.completed.title': 'ご回答ありがとうございました',
  'link.completed.body': 'ご回答はすでに受け付けています。同じリンクから再度回答することはできません。',
  'survey.title': '退職者アンケート',
  'survey.privacy':
    'この回答は匿名で扱われます。回答は一定数がそろってから順番を混ぜて集計に加えられ、あなたの名前やメールアドレスとは結び付けられません。',
  'survey.saving': '保存中…',
  'survey.saved': '途中までの回答を保存しました。このリンクからいつでも再開できます。',
  'survey.save_failed': '自動保存に失敗しました。通信状況を確認してください。',
  'survey.submit_failed': '送信できませんでした。時間をおいて再度お試しください。',
  'survey.noscript': 'このアンケートには JavaScript が必要です。',
  'thanks.title': 'ご回答ありがとうございました',
  'thanks.body': 'いただいたご意見は、個人が特定されない形で集計され、職場の改善に使われます。',
  'thanks.release_note': '回答は匿名性を保つため、他の方の回答とまとめて集計に反映されます。',
  'thanks.alumni.title': 'アルムナイ(退職者)ネットワークのご案内',
  'thanks.alumni.body':
    'アンケートとは別に、退職後も会社とのつながりを保つアルムナイネットワークに参加できます。参加は任意で、アンケートの回答とは一切結び付けられません。',
  'thanks.alumni.link': 'アルムナイネットワークに参加する',
  'mail.invitation.subject': '【{company}】退職者アンケートへのご協力のお願い',
  'mail.invitation.greeting': '{name} 様',
  'mail.invitation.body':
    'これまでのご勤務、本当にお疲れさまでした。職場をより良くするため、退職者アンケートへのご協力をお願いいたします。所要時間は10分ほどです。途中で保存して、後から再開することもできます。',
  'mail.invitation.anonymity': '回答は匿名で扱われ、あなたのお名前と結び付けて閲覧されることはありません。',
  'mail.invitation.cta': 'アンケートに回答する',
  'mail.invitation.expiry': '回答期限: {date}',
  'mail.invitation.personal': 'このリンクはあなた専用です。他の方に転送しないでください。',
  'mail.reminder.subject': '【{company}】退職者アンケートのご案内(再送)',
  'mail.reminder.body':
    '先日お送りした退職者アンケートへのご回答がまだのようでしたので、改めてご案内いたします。所要時間は10分ほどで、途中で保存して後から再開することもできます。すでにご回答済みの場合は、本メールは破棄してください。',
  'validation.required': '入力してください。',
  'validation.format': '形式が正しくありません。',
  'validation.enum': '次のいずれかを指定してください: {allowed}',
  'validation.type': '値の型が正しくありません。',
  'validation.too_long': '{limit} 文字以内で入力してください。',
  'validation.too_short': '入力してください。',
  'validation.control_chars': '使用できない文字(制御文字)が含まれています。',
  'validation.date': 'YYYY-MM-DD 形式の日付を入力してください。',
  'validation.email': '有効なメールアドレスを入力してください。',
  'validation.unknown_field': '不明な項目です。',
  'validation.unknown_question': 'このアンケートにない質問です。',
  'validation.choice': '選択肢にない値です。',
  'validation.range': '{min} から {max} の範囲で回答してください。',
};

const ja = {
  ...coreJa,
  ...staffMessages.ja,
  ...leaverMessages.ja,
  ...invitationMessages.ja,
  ...importMessages.ja,
  ...departmentMessages.ja,
  ...userMessages.ja,
  ...insightMessages.ja,
  ...reportMessages.ja,
  ...alumniMessages.ja,
  ...improvementMessages.ja,
};
export type MessageKey = keyof typeof ja;

const coreEn: Record<keyof typeof coreJa, string> = {
  'app.name': 'Honne',
  'app.tagline': 'Exit interview',
  'lang.switch': '日本語',
  'home.body': 'Honne runs exit interviews. If you were invited to answer, please open the link in your email.',
  'error.title': 'Error',
  'error.not_found': 'Page not found.',
  'error.bad_request': 'The request is not valid.',
  'error.validation': 'Please check your input.',
  'error.unauthorized': 'Authentication required: give a valid API token.',
  'error.forbidden': 'You are not allowed to do this.',
  'error.payload_too_large': 'What was sent is too large.',
  'error.invalid_text':
    'What was sent contains a character that cannot be accepted (a NUL character or a broken one). Please remove it and send again.',
  'error.too_deep': 'What was sent is nested too deeply.',
  'error.conflict': 'This conflicts with the current state.',
  'error.server': 'Sorry, something went wrong on our side. Please try again later.',
  'error.leaver_exists': 'A leaver with employee id {employeeId} is already registered and their survey is still open.',
  'error.department_ambiguous': 'More than one department is called "{department}". Give its id instead.',
  'error.dates_order': 'The last day must not be before the hire date.',
  'link.unknown.title': 'Link not found',
  'link.unknown.body': 'This survey link is not valid. Please check that you opened the link exactly as it appears in the email.',
  'link.expired.title': 'This survey has closed',
  'link.expired.body': 'The time to answer this survey is over. Thank you for wanting to take part.',
  'link.completed.title': 'Thank you, your answers were received',
  'link.completed.body': 'Your answers have already been received. The same link cannot be used to answer again.',
  'survey.title': 'Exit interview',
  'survey.privacy':
    'Your answers are anonymous. They are added to the results only in shuffled batches of several people, and are never tied to your name or email address.',
  'survey.saving': 'Saving…',
  'survey.saved': 'Your progress is saved. You can come back to this link at any time.',
  'survey.save_failed': 'Autosave failed. Please check your connection.',
  'survey.submit_failed': 'Your answers could not be sent. Please try again in a moment.',
  'survey.noscript': 'This survey needs JavaScript.',
  'thanks.title': 'Thank you for your answers',
  'thanks.body': 'Your feedback is aggregated so that no individual can be identified, and used to improve the workplace.',
  'thanks.release_note': "To keep you anonymous, your answers join the results together with other people's.",
  'thanks.alumni.title': 'Join our alumni network',
  'thanks.alumni.body':
    'Separately from the survey, you can stay in touch through the alumni network. Joining is optional and is never linked to your survey answers.',
  'thanks.alumni.link': 'Join the alumni network',
  'mail.invitation.subject': '{company}: your exit interview',
  'mail.invitation.greeting': 'Dear {name},',
  'mail.invitation.body':
    'Thank you for all your work with us. To help us make this a better place to work, please take our exit interview. It takes about 10 minutes, and you can stop and continue later.',
  'mail.invitation.anonymity': 'Your answers are anonymous and are never shown with your name.',
  'mail.invitation.cta': 'Answer the survey',
  'mail.invitation.expiry': 'Please answer by {date}.',
  'mail.invitation.personal': 'This link is personal: please do not forward it.',
  'mail.reminder.subject': '{company}: a reminder about your exit interview',
  'mail.reminder.body':
    'A short reminder: your exit interview is still waiting for you. It takes about 10 minutes, and you can stop and continue later. If you have already answered, please ignore this mail.',
  'validation.required': 'This is required.',
  'validation.format': 'The format is not valid.',
  'validation.enum': 'Must be one of: {allowed}',
  'validation.type': 'The value has the wrong type.',
  'validation.too_long': 'At most {limit} characters.',
  'validation.too_short': 'This is required.',
  'validation.control_chars': 'Contains characters that cannot be used (control characters).',
  'validation.date': 'Give a date as YYYY-MM-DD.',
  'validation.email': 'Give a valid email address.',
  'validation.unknown_field': 'Unknown field.',
  'validation.unknown_question': 'This question is not in the survey.',
  'validation.choice': 'Not one of the choices.',
  'validation.range': 'Answer between {min} and {max}.',
};

const en: Record<MessageKey, string> = {
  ...coreEn,
  ...staffMessages.en,
  ...leaverMessages.en,
  ...invitationMessages.en,
  ...importMessages.en,
  ...departmentMessages.en,
  ...userMessages.en,
  ...insightMessages.en,
  ...reportMessages.en,
  ...alumniMessages.en,
  ...improvementMessages.en,
};
const catalogues: Record<Locale, Record<MessageKey, string>> = { ja, en };

export type Params = Record<string, string | number>;

export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  return catalogues[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The first supported language in an Accept-Language header, honouring q-values. */
export function fromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { lang: tag.toLowerCase().split('-')[0], q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.map((entry) => entry.lang).find(isLocale);
}
