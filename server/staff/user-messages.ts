/** The users and account pages' messages; merged into the catalogue in server/i18n/messages.ts. */
const ja = {
  'users.title': 'ユーザー',
  'users.intro': '管理者はすべて、人事は退職者とすべてのレポート、マネージャーは割り当てられた部署(配下を含む)のレポートだけを扱えます。',
  'users.email': 'メールアドレス',
  'users.role': '権限',
  'users.departments': '部署(マネージャーのみ)',
  'users.language': 'メールの言語',
  'users.state': '状態',
  'users.state.pending': 'パスワード未設定',
  'users.state.locked': 'ロック中',
  'users.state.active': '有効',
  'users.add': 'ユーザーを追加',
  'users.add_note': '追加したユーザーに、パスワードを設定するリンク(7日間有効)をメールで送ります。',
  'users.save': '保存',
  'users.delete': '削除',
  'users.you': '(あなた)',
  'users.saved': '保存しました。',
  'users.error.last_admin': '管理者が一人もいなくなるため、この変更はできません。',
  'users.error.self': '自分自身は削除できません。',
  'users.welcome.subject': '【{company}】Honne のアカウントが作成されました',
  'users.welcome.body': '{company} の退職者アンケート(Honne)のアカウントが作成されました。下のリンクからパスワードを設定してください。',
  'users.welcome.cta': 'パスワードを設定する',
  'users.welcome.expiry': 'このリンクは 7 日間、一度だけ使えます。',
  'account.title': 'アカウント',
  'account.language': '表示言語',
  'account.language_browser': 'ブラウザーの設定に従う',
  'account.saved': '保存しました。',
};

export type UserMessageKey = keyof typeof ja;

const en: Record<UserMessageKey, string> = {
  'users.title': 'Users',
  'users.intro':
    'Admins can do everything; HR handles leavers and sees all reports; managers see reports of their departments (and those below) only.',
  'users.email': 'Email',
  'users.role': 'Role',
  'users.departments': 'Departments (managers only)',
  'users.language': 'Mail language',
  'users.state': 'State',
  'users.state.pending': 'No password yet',
  'users.state.locked': 'Locked',
  'users.state.active': 'Active',
  'users.add': 'Add user',
  'users.add_note': 'The new user gets a mail with a link to set their password (valid 7 days).',
  'users.save': 'Save',
  'users.delete': 'Delete',
  'users.you': '(you)',
  'users.saved': 'Saved.',
  'users.error.last_admin': 'This would leave no administrator.',
  'users.error.self': 'You cannot delete yourself.',
  'users.welcome.subject': '{company}: your Honne account',
  'users.welcome.body':
    "An account has been created for you on {company}'s exit interview workspace (Honne). Set your password with the link below.",
  'users.welcome.cta': 'Set your password',
  'users.welcome.expiry': 'This link works once, for 7 days.',
  'account.title': 'Account',
  'account.language': 'Language',
  'account.language_browser': 'Follow the browser',
  'account.saved': 'Saved.',
};

export const userMessages = { ja, en };
