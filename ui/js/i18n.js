// Labels of the window in both languages. Words of the domain (statuses, categories,
// eligibility reasons) come from the core's vocabulary; this file holds only the window's own.

export const LANGS = ['zh', 'en'];

const TEXT = {
  app_title: ['GrantDesk 科研资助管理台', 'GrantDesk — research grants'],
  nav_calls: ['资助计划', 'Calls'],
  language: ['语言', 'Language'],
  loading: ['正在加载…', 'Loading…'],
  start_heading: ['欢迎使用科研资助管理台', 'Welcome to GrantDesk'],
  start_text: [
    '数据库中还没有资助计划。可以先载入示例资助计划查看各项功能，或新建一个资助计划。',
    'There is no call in the database yet. Load the sample call to try every screen, or set up a new call.',
  ],
  load_sample: ['载入示例资助计划', 'Load the sample call'],
  new_call: ['新建资助计划', 'New call'],
  sample_loaded: ['已载入示例资助计划：{n} 份申请书', 'Sample call loaded: {n} proposals'],
  calls_heading: ['资助计划', 'Calls'],
  col_code: ['编号', 'Code'],
  col_title: ['名称', 'Title'],
  col_status: ['状态', 'Status'],
  col_budget: ['总预算', 'Budget'],
  col_max_awards: ['资助项数上限', 'Max awards'],
  col_window: ['受理期', 'Window'],
  total_budget: ['总预算', 'Total budget'],
  requested_total: ['申请总额', 'Requested in total'],
  eligible_requested: ['合格申请总额', 'Requested by eligible proposals'],
  max_awards: ['资助项数上限', 'Maximum awards'],
  proposals: ['申请书', 'Proposals'],
  eligible_vs: ['形式审查', 'Eligibility'],
  eligible_n: ['合格 {n}', '{n} eligible'],
  ineligible_n: ['不合格 {n}', '{n} ineligible'],
  budget_bar: ['预算与申请', 'Budget and requests'],
  by_status: ['按状态', 'By status'],
  by_topic: ['按研究方向', 'By topic'],
  of_budget: ['占总预算 {p}', '{p} of the budget'],
  award_range: ['单项资助额度', 'Award range'],
  duration: ['执行期', 'Duration'],
  months: ['{n} 个月', '{n} months'],
  funding_mode: ['资助方式', 'Funding mode'],
  edit: ['编辑', 'Edit'],
  open_call: ['开始受理', 'Open to proposals'],
  close_call: ['截止受理', 'Close'],
  reopen_call: ['重新开放', 'Reopen'],
  run_check: ['形式审查', 'Check eligibility'],
  check_done: ['形式审查完成：{e} 份合格，{i} 份不合格', 'Eligibility checked: {e} eligible, {i} ineligible'],
  show_proposals: ['查看申请书', 'Proposals'],
  new_proposal: ['登记申请书', 'New proposal'],
  back: ['返回', 'Back'],
  col_reference: ['编号', 'Reference'],
  col_applicant: ['申请单位', 'Applicant'],
  col_pi: ['负责人', 'Investigator'],
  col_topic: ['方向', 'Topic'],
  col_requested: ['申请金额', 'Requested'],
  col_reasons: ['不合格原因', 'Reasons'],
  all_topics: ['全部方向', 'All topics'],
  all_statuses: ['全部状态', 'All statuses'],
  search: ['搜索名称、单位或负责人', 'Search title, applicant or investigator'],
  shown_of: ['显示 {n} / {total} 份', '{n} of {total} shown'],
  applicant: ['申请单位', 'Applicant'],
  credit_code: ['统一社会信用代码', 'Unified social credit code'],
  bank: ['开户银行', 'Bank'],
  bank_account: ['银行账号', 'Bank account'],
  contact: ['联系人', 'Contact'],
  contact_phone: ['联系电话', 'Phone'],
  contact_email: ['电子邮箱', 'E-mail'],
  investigator: ['项目负责人', 'Principal investigator'],
  pi_title: ['职称', 'Title'],
  summary: ['项目摘要', 'Summary'],
  budget: ['预算明细', 'Budget'],
  category: ['科目', 'Category'],
  year_n: ['第{n}年', 'Year {n}'],
  total: ['合计', 'Total'],
  eligibility: ['形式审查', 'Eligibility'],
  not_checked: ['尚未形式审查', 'Not yet checked'],
  is_eligible: ['合格', 'Eligible'],
  submitted_on: ['提交日期', 'Submitted on'],
  submit: ['登记提交', 'Record submission'],
  withdraw: ['撤回', 'Withdraw'],
  in_capitals: ['大写', 'In capitals'],
  save: ['保存', 'Save'],
  cancel: ['取消', 'Cancel'],
  saved: ['已保存', 'Saved'],
  form_has_errors: ['未保存：请修改标出的字段', 'Not saved: please correct the marked fields'],
  add_row: ['添加一行', 'Add a row'],
  remove_row: ['删除', 'Remove'],
  f_code: ['编号', 'Code'],
  f_title_zh: ['中文名称', 'Title (Chinese)'],
  f_title_en: ['英文名称', 'Title (English)'],
  f_total_budget: ['总预算（元）', 'Total budget (¥)'],
  f_max_awards: ['资助项数上限', 'Maximum awards'],
  f_award_floor: ['单项资助下限（元）', 'Award floor (¥)'],
  f_award_ceiling: ['单项资助上限（元）', 'Award ceiling (¥)'],
  f_duration_months: ['执行期（月）', 'Duration (months)'],
  f_opens_on: ['开始受理日期', 'Opening date'],
  f_closes_on: ['截止日期', 'Closing date'],
  f_funding_mode: ['资助方式', 'Funding mode'],
  f_min_reviewers: ['每份申请书最少评审专家数', 'Minimum reviewers per proposal'],
  f_max_proposals_per_applicant: ['每个单位最多申请书数', 'Proposals per applicant at most'],
  f_topics: ['研究方向', 'Topics'],
  f_topic_code: ['代码', 'Code'],
  f_name_zh: ['中文名称', 'Name (Chinese)'],
  f_name_en: ['英文名称', 'Name (English)'],
  f_rubric: ['评审指标', 'Scoring rubric'],
  f_key: ['标识', 'Key'],
  f_weight: ['权重（%）', 'Weight (%)'],
  f_max_score: ['满分', 'Max score'],
  f_indirect_tiers: ['间接费用比例上限（分档）', 'Indirect-cost cap (tiers)'],
  f_up_to: ['档上限（元，最后一档留空）', 'Up to (¥, empty for the last tier)'],
  f_rate: ['比例（%）', 'Rate (%)'],
  f_tranches: ['拨付批次', 'Tranches'],
  f_milestone: ['节点', 'Milestone'],
  f_share: ['比例（%）', 'Share (%)'],
  f_appropriations: ['年度预算', 'Annual appropriations'],
  f_year: ['年度', 'Year'],
  f_amount: ['金额（元）', 'Amount (¥)'],
  f_reference: ['申请书编号（留空自动编号）', 'Reference (empty: numbered automatically)'],
  f_title: ['项目名称', 'Title'],
  f_title_en_p: ['英文名称', 'Title in English'],
  f_summary: ['项目摘要', 'Summary'],
  f_applicant_name: ['申请单位名称', 'Applicant organisation'],
  f_pi_name: ['项目负责人', 'Principal investigator'],
  f_pi_email: ['负责人邮箱', 'Investigator e-mail'],
  f_pi_phone: ['负责人电话', 'Investigator phone'],
  f_topic: ['研究方向', 'Topic'],
  f_requested: ['申请金额（元）', 'Requested (¥)'],
  f_requested_hint: ['预算制可留空，自动取预算明细合计', 'Itemised calls: leave empty to use the sum of the lines'],
  section_call: ['基本信息', 'The call'],
  section_money: ['经费与期限', 'Money and dates'],
  section_rules: ['评审与拨付', 'Review and disbursement'],
  section_applicant: ['申请单位', 'Applicant'],
  section_pi: ['项目负责人', 'Investigator'],
  section_budget: ['预算明细（元）', 'Budget lines (¥)'],
  edit_call: ['编辑资助计划 {code}', 'Edit call {code}'],
  edit_proposal: ['编辑申请书 {ref}', 'Edit proposal {ref}'],
  audit_ok: ['审计日志完整：{n} 条记录', 'Audit log intact: {n} entries'],
  verify_audit: ['校验审计日志', 'Verify audit log'],
  error: ['错误', 'Error'],
  wan_view: ['万元', '万元 view'],
};

let current = 'zh';

export function setLang(lang) {
  if (LANGS.includes(lang)) current = lang;
  return current;
}

export function lang() {
  return current;
}

/** The label for key in the current (or given) language, with {name} placeholders filled. */
export function t(key, params = {}, inLang = current) {
  const pair = TEXT[key];
  if (!pair) return key;
  const text = pair[inLang === 'en' ? 1 : 0];
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

/** Picks the Chinese or English of a {zh, en} pair, or of two fields name_zh / name_en. */
export function pick(obj, base = null, inLang = current) {
  if (!obj) return '';
  if (base) return obj[`${base}_${inLang}`] ?? obj[`${base}_zh`] ?? '';
  return obj[inLang] ?? obj.zh ?? '';
}

/** The language to start in: the one remembered, else the system's, else Chinese. */
export function initialLang(remembered, system) {
  if (LANGS.includes(remembered)) return remembered;
  if (LANGS.includes(system)) return system;
  return 'zh';
}

export const keys = Object.keys(TEXT);
