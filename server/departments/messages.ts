/** The departments page's messages; merged into the catalogue in server/i18n/messages.ts. */
const ja = {
  'departments.title': '部署',
  'departments.intro':
    '本部 > 部 > 課のように部署を階層で管理します。マネージャーは割り当てられた部署とその配下の部署のレポートだけを見られます。',
  'departments.name': '部署名',
  'departments.parent': '上位の部署',
  'departments.top': '(最上位)',
  'departments.leavers': '退職者数',
  'departments.managers': 'マネージャー',
  'departments.add': '部署を追加',
  'departments.save': '保存',
  'departments.delete': '削除',
  'departments.none_managers': 'マネージャーのアカウントがまだありません(npm run honne -- user add --role manager)。',
  'departments.saved': '保存しました。',
  'departments.error.exists': '同じ上位部署の下に「{name}」がすでにあります。',
  'departments.error.cycle': '部署を自分自身やその配下の部署の下には移動できません。',
  'departments.error.in_use': '配下の部署・退職者・回答がある部署は削除できません。',
  'departments.error.not_manager': 'マネージャーのアカウントだけを割り当てられます。',
  'departments.error.name_blank': '部署名を入力してください(空白だけの名前は使えません)。',
  'departments.error.unknown': '指定された部署が見つかりません。削除された可能性があります。ページを再読み込みしてください。',
};

export type DepartmentMessageKey = keyof typeof ja;

const en: Record<DepartmentMessageKey, string> = {
  'departments.title': 'Departments',
  'departments.intro':
    'Departments form a tree (division > department > section). Managers see reports only for their departments and those below them.',
  'departments.name': 'Name',
  'departments.parent': 'Parent',
  'departments.top': '(top level)',
  'departments.leavers': 'Leavers',
  'departments.managers': 'Managers',
  'departments.add': 'Add department',
  'departments.save': 'Save',
  'departments.delete': 'Delete',
  'departments.none_managers': 'No manager accounts yet (npm run honne -- user add --role manager).',
  'departments.saved': 'Saved.',
  'departments.error.exists': '"{name}" already exists under the same parent.',
  'departments.error.cycle': 'A department cannot move under itself or one of its own sub-departments.',
  'departments.error.in_use': 'A department with sub-departments, leavers or responses cannot be deleted.',
  'departments.error.not_manager': 'Only manager accounts can be assigned.',
  'departments.error.name_blank': 'Enter a name (spaces alone are not one).',
  'departments.error.unknown': 'A department you chose no longer exists; it may have been deleted. Reload the page.',
};

export const departmentMessages = { ja, en };
