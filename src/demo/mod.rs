//! The sample call: the Beijing AI, AR and VR research programme 2026 with 40 proposals from
//! fictional organisations. Deterministic: the same data every time. Used by `grantdesk demo`,
//! by the window's "load the sample" button, and by tests.

use chrono::NaiveDate;
use serde::Serialize;

use crate::call::{self, AppropriationForm, CallForm, CallStatus, TopicForm};
use crate::credit_code::CreditCode;
use crate::db::Backend;
use crate::error::Error;
use crate::form::Text;
use crate::money::Money;
use crate::proposal::{self, ApplicantForm, BudgetLineForm, ProposalForm};
use crate::store::{Pool, Stamp};

pub mod bench;
mod disbursing;

pub use disbursing::{Disbursing, load_disbursing};

pub const CALL_CODE: &str = "BJ-AIXR-2026";

fn t(s: &str) -> Text {
    Text::from(s)
}

/// The reference call: ¥60,000,000 for at most 12 awards over 24 months.
pub fn reference_call_form() -> CallForm {
    let topic = |code: &str, zh: &str, en: &str| TopicForm {
        code: t(code),
        name_zh: t(zh),
        name_en: t(en),
    };
    CallForm {
        code: t(CALL_CODE),
        title_zh: t("北京市人工智能与增强/虚拟现实科研专项 2026"),
        title_en: t("Beijing AI, AR and VR Research Programme 2026"),
        topics: vec![
            topic("AI", "人工智能", "Artificial intelligence"),
            topic("AR", "增强现实", "Augmented reality"),
            topic("VR", "虚拟现实", "Virtual reality"),
        ],
        total_budget: t("60000000.00"),
        max_awards: t("12"),
        award_floor: t("1000000.00"),
        award_ceiling: t("8000000.00"),
        opens_on: t("2026-03-01"),
        closes_on: t("2026-04-30"),
        // The two budget years the awards run in (they start on 2027-01-01). The final
        // tranches fall due on acceptance in 2029, which has no appropriation yet: the
        // cash-flow plan warns of it.
        appropriations: vec![
            AppropriationForm {
                year: t("2027"),
                amount: t("30000000"),
            },
            AppropriationForm {
                year: t("2028"),
                amount: t("30000000"),
            },
        ],
        // The rubric, the indirect-cost tiers (国办发〔2021〕32号: 30% up to ¥5m, 25% to
        // ¥10m, 20% above), the tranches and the review settings are the agency's usual ones.
        ..CallForm::starter()
    }
}

/// How many proposals [`load_scaled`] writes in one transaction.
const LOAD_BATCH: usize = 1000;

/// (organisation, kind: 'U' university / 'I' institute / 'C' company, district code)
const ORGS: [(&str, char, &str); 40] = [
    ("京华理工大学", 'U', "110108"),
    ("燕山师范大学", 'U', "110102"),
    ("北辰大学", 'U', "110108"),
    ("中关村智能计算研究院", 'I', "110108"),
    ("首都医学信息研究所", 'I', "110105"),
    ("京西交通大学", 'U', "110106"),
    ("北京泓视科技有限公司", 'C', "110108"),
    ("北京灵境互动科技有限公司", 'C', "110105"),
    ("北京数衡智能科技有限公司", 'C', "110114"),
    ("北京晨曦光电科技有限公司", 'C', "110115"),
    ("京北航空航天学院", 'U', "110108"),
    ("北京沉浸空间文化科技有限公司", 'C', "110105"),
    ("亦庄机器人创新中心", 'I', "110115"),
    ("北京知微语言智能有限公司", 'C', "110108"),
    ("怀柔综合科学研究中心", 'I', "110116"),
    ("北京云脉医疗科技有限公司", 'C', "110105"),
    ("北京清源视觉研究院", 'I', "110108"),
    ("京东南大学", 'U', "110101"),
    ("北京星图遥感科技有限公司", 'C', "110114"),
    ("北京镜界显示技术有限公司", 'C', "110115"),
    ("首都体育科学研究所", 'I', "110106"),
    ("北京慧农数据科技有限公司", 'C', "110113"),
    ("北京天衍量子智能研究院", 'I', "110108"),
    ("京城建筑大学", 'U', "110102"),
    ("北京触感科技有限公司", 'C', "110108"),
    ("北京博物数字文化有限公司", 'C', "110101"),
    ("北京安行自动驾驶科技有限公司", 'C', "110115"),
    ("燕京中医药信息研究所", 'I', "110105"),
    ("北京智教未来科技有限公司", 'C', "110108"),
    ("京师传媒学院", 'U', "110105"),
    ("北京工业智能研究院", 'I', "110111"),
    ("北京声谷语音技术有限公司", 'C', "110108"),
    ("北京虚拟仿真训练中心", 'I', "110109"),
    ("北京光场影像科技有限公司", 'C', "110105"),
    ("北京能源智慧研究院", 'I', "110114"),
    ("北京远瞻眼科技术有限公司", 'C', "110105"),
    ("北京城市大脑研究中心", 'I', "110106"),
    ("北京元象引擎科技有限公司", 'C', "110108"),
    ("京南信息职业技术大学", 'U', "110115"),
    ("北京全息通信技术有限公司", 'C', "110108"),
];

/// (topic, title in Chinese, title in English)
const TITLES: [(&str, &str, &str); 40] = [
    (
        "AI",
        "面向城市治理的多模态大模型关键技术研究",
        "Multimodal foundation models for urban governance",
    ),
    (
        "AI",
        "小样本医学影像智能诊断方法研究",
        "Few-shot learning for medical image diagnosis",
    ),
    (
        "AI",
        "可信人工智能的可解释性与鲁棒性评测",
        "Explainability and robustness evaluation of trustworthy AI",
    ),
    (
        "AI",
        "面向科学计算的神经算子方法",
        "Neural operators for scientific computing",
    ),
    (
        "AI",
        "中文医疗问诊大模型安全对齐研究",
        "Safety alignment of Chinese medical dialogue models",
    ),
    (
        "AI",
        "交通流预测的时空图神经网络",
        "Spatio-temporal graph networks for traffic forecasting",
    ),
    (
        "VR",
        "高保真虚拟手术训练系统",
        "High-fidelity virtual surgery training",
    ),
    (
        "VR",
        "大空间多人协同虚拟现实交互平台",
        "Large-space multi-user collaborative VR platform",
    ),
    (
        "AI",
        "工业质检视觉大模型轻量化部署",
        "Lightweight deployment of visual models for industrial inspection",
    ),
    (
        "AR",
        "车载增强现实抬头显示光学引擎",
        "Optical engine for automotive AR head-up displays",
    ),
    (
        "AI",
        "无人机集群自主协同决策方法",
        "Autonomous cooperative decision-making for drone swarms",
    ),
    (
        "VR",
        "沉浸式文旅数字孪生内容生成技术",
        "Generative content for immersive cultural-tourism twins",
    ),
    (
        "AI",
        "具身智能机器人灵巧操作学习",
        "Dexterous manipulation learning for embodied robots",
    ),
    (
        "AI",
        "古籍文献智能识别与知识图谱构建",
        "Recognition of classical texts and knowledge graphs",
    ),
    (
        "AI",
        "大科学装置数据智能分析平台",
        "Intelligent analysis of large research facility data",
    ),
    (
        "AR",
        "增强现实辅助的远程医疗会诊系统",
        "AR-assisted remote medical consultation",
    ),
    (
        "AI",
        "开放场景三维视觉感知与重建",
        "3D perception and reconstruction in open scenes",
    ),
    (
        "AR",
        "面向职业教育的增强现实实训平台",
        "AR training platform for vocational education",
    ),
    (
        "AI",
        "遥感影像智能解译与变化检测",
        "Remote sensing interpretation and change detection",
    ),
    (
        "AR",
        "轻量化AR眼镜光波导显示模组",
        "Waveguide display module for lightweight AR glasses",
    ),
    (
        "VR",
        "运动员虚拟现实技战术训练系统",
        "VR tactical training for athletes",
    ),
    (
        "AI",
        "智慧农业作物表型智能识别",
        "AI phenotyping of crops for smart agriculture",
    ),
    (
        "AI",
        "量子机器学习算法及其应用",
        "Quantum machine learning algorithms and applications",
    ),
    (
        "AR",
        "建筑施工增强现实可视化管理",
        "AR visual management of building construction",
    ),
    (
        "VR",
        "虚拟现实力触觉反馈手套",
        "Force-feedback gloves for virtual reality",
    ),
    (
        "AR",
        "博物馆文物增强现实导览与修复展示",
        "AR museum guides and artefact restoration display",
    ),
    (
        "AI",
        "自动驾驶长尾场景仿真与测试",
        "Simulation and testing of long-tail driving scenarios",
    ),
    (
        "AI",
        "中医舌象智能辨识与辅助诊疗",
        "AI tongue diagnosis for traditional Chinese medicine",
    ),
    (
        "AI",
        "个性化学习路径推荐大模型",
        "Foundation models for personalised learning paths",
    ),
    (
        "VR",
        "虚拟制片实时渲染关键技术",
        "Real-time rendering for virtual film production",
    ),
    (
        "AI",
        "工业设备预测性维护智能算法",
        "Predictive maintenance algorithms for industrial equipment",
    ),
    (
        "AI",
        "方言语音识别与合成关键技术",
        "Dialect speech recognition and synthesis",
    ),
    (
        "VR",
        "应急救援虚拟仿真演练平台",
        "Virtual simulation drills for emergency rescue",
    ),
    (
        "AR",
        "光场显示与裸眼三维交互技术",
        "Light-field displays and glasses-free 3D interaction",
    ),
    (
        "AI",
        "新型电力系统负荷智能预测",
        "Load forecasting for new-type power systems",
    ),
    (
        "VR",
        "弱视儿童虚拟现实视觉训练",
        "VR visual training for children with amblyopia",
    ),
    (
        "AI",
        "城市运行事件智能感知与处置",
        "Sensing and handling urban operation events",
    ),
    (
        "VR",
        "国产实时三维引擎核心技术",
        "Core technology of a domestic real-time 3D engine",
    ),
    (
        "AR",
        "增强现实工业装配辅助系统",
        "AR guidance for industrial assembly",
    ),
    (
        "AR",
        "全息通信与远程临场交互",
        "Holographic communication and telepresence",
    ),
];

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];
const GIVEN: [&str; 20] = [
    "建国", "晓明", "海燕", "志强", "丽华", "伟", "静", "国栋", "雪梅", "涛", "文博", "思远",
    "欣怡", "立新", "颖", "浩然", "春华", "子涵", "明轩", "雅琴",
];
const PI_TITLES: [&str; 4] = ["教授", "研究员", "副教授", "高级工程师"];

/// A small deterministic generator (64-bit LCG), so the sample never changes.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn credit_code(i: usize, kind: char, district: &str) -> String {
    // 12: 事业单位 (universities and institutes); 91: 企业 (companies).
    let prefix = if kind == 'C' { "91" } else { "12" };
    let body = format!("{prefix}{district}{:08}{}", 31_415_926 + i * 7_919, i % 10);
    CreditCode::complete(&body).map_or(body, |c| c.to_string())
}

/// The 40 sample proposals, with the date each was received. Five are deliberately
/// ineligible: one incomplete, one late, one above the ceiling, one with indirect costs over
/// the cap and one whose lines do not add up to the request.
pub fn sample_proposals() -> Vec<(ProposalForm, NaiveDate)> {
    let mut rng = Lcg(2026);
    let opens = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default();
    (0..40)
        .map(|i| {
            let (org, kind, district) = ORGS[i];
            let (topic, title, title_en) = TITLES[i];
            let pi = format!(
                "{}{}",
                SURNAMES[rng.next(20) as usize],
                GIVEN[rng.next(20) as usize]
            );
            // Requests from ¥2,000,000 to ¥7,990,000, whole thousands.
            let request_thousands = 2_000 + rng.next(600) * 10;
            let mut request =
                Money::from_fen(request_thousands as i64 * 100_000).unwrap_or_default();
            if i == 37 {
                request = Money::from_fen(900_000_000).unwrap_or_default(); // above the ceiling
            }
            let indirect_share = if i == 38 { 30 } else { 15 };
            let budget = budget_lines(request, indirect_share);
            let declared = if i == 39 {
                // The lines fall ¥100,000 short of the declared request.
                request
                    .checked_add(Money::from_fen(10_000_000).unwrap_or_default())
                    .unwrap_or(request)
            } else {
                request
            };
            let day = rng.next(58);
            let mut submitted = opens + chrono::Days::new(day);
            if i == 36 {
                submitted = NaiveDate::from_ymd_opt(2026, 5, 8).unwrap_or(submitted); // late
            }
            let incomplete = i == 35;
            let form = ProposalForm {
                seen_version: None,
                call: t(CALL_CODE),
                reference: Text(format!("{CALL_CODE}-{:04}", i + 1)),
                title: t(title),
                title_en: t(title_en),
                summary: Text(format!(
                    "本项目围绕“{title}”开展研究，形成可验证的原型系统与应用示范。"
                )),
                applicant: ApplicantForm {
                    credit_code: Text(credit_code(i, kind, district)),
                    name: t(org),
                    bank_name: t([
                        "中国工商银行北京分行",
                        "中国建设银行北京分行",
                        "北京银行中关村支行",
                    ][i % 3]),
                    bank_account: if incomplete {
                        Text::default()
                    } else {
                        Text(format!(
                            "0200{:015}",
                            4_903_000_000_000u64 + i as u64 * 7_777
                        ))
                    },
                    contact_name: Text(format!("{}老师", SURNAMES[(i + 7) % 20])),
                    contact_phone: Text(format!("010-{}", 62_750_000 + i * 37)),
                    contact_email: Text(format!("keyan{:02}@example.cn", i + 1)),
                },
                pi_name: Text(pi),
                pi_title: t(PI_TITLES[i % 4]),
                pi_email: if incomplete {
                    Text::default()
                } else {
                    Text(format!("pi{:02}@example.cn", i + 1))
                },
                pi_phone: Text(format!("139{:08}", 10_000_000 + i * 4_321)),
                topic: t(topic),
                requested: Text(declared.to_string()),
                budget,
            };
            (form, submitted)
        })
        .collect()
}

/// Lines over two years: indirect costs take `indirect_share`%, the rest splits equipment 20,
/// operations 50, personnel 30; each category 55% in year 1 and 45% in year 2. Fen-exact.
fn budget_lines(request: Money, indirect_share: u64) -> Vec<BudgetLineForm> {
    let parts = request
        .allocate(&[100 - indirect_share, indirect_share])
        .unwrap_or_default();
    let (direct, indirect) = (parts[0], parts[1]);
    let cats = direct.allocate(&[20, 50, 30]).unwrap_or_default();
    let mut lines = Vec::new();
    for (cat, amount) in [
        ("equipment", cats[0]),
        ("operations", cats[1]),
        ("personnel", cats[2]),
        ("indirect", indirect),
    ] {
        let years = amount.allocate(&[55, 45]).unwrap_or_default();
        for (y, a) in years.into_iter().enumerate() {
            lines.push(BudgetLineForm {
                category: t(cat),
                year: Text((y + 1).to_string()),
                amount: Text(a.to_string()),
            });
        }
    }
    lines
}

/// What loading the sample did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Loaded {
    pub call: String,
    pub call_created: bool,
    pub proposals_created: usize,
    pub proposals_total: usize,
    pub eligible: usize,
    pub ineligible: usize,
}

/// Loads the sample into the database, or completes it: the call and any missing sample
/// proposals are created, then the call is closed and the eligibility check run. Running it
/// again changes nothing that is already there.
/// The sample is fictional: calls, applicants with bank accounts and reviewers that nothing
/// can remove. The window offers it only on an empty database, and this refuses it anywhere
/// else (the command line's `demo` keeps to its own database).
pub async fn ensure_empty(pool: &Pool) -> Result<(), Error> {
    let (calls, applicants, reviewers): (i64, i64, i64) = crate::db::query_as(
        "SELECT (SELECT COUNT(*) FROM calls), (SELECT COUNT(*) FROM applicants),
                (SELECT COUNT(*) FROM reviewers)",
    )
    .fetch_one(pool)
    .await?;
    if calls + applicants + reviewers > 0 {
        return Err(crate::call::CallError::SampleNeedsEmptyDatabase {
            calls,
            applicants,
            reviewers,
        }
        .into());
    }
    Ok(())
}

pub async fn load(pool: &Pool, stamp: &Stamp) -> Result<Loaded, Error> {
    let mut call_created = false;
    let existing = call::find(pool, CALL_CODE).await?;
    let status = match existing {
        Some(c) => c.status,
        None => {
            call::create(pool, stamp, &reference_call_form()).await?;
            call_created = true;
            call::set_status(pool, stamp, CALL_CODE, CallStatus::Open)
                .await?
                .status
        }
    };
    let mut created = 0;
    if matches!(status, CallStatus::Open | CallStatus::Closed) {
        let present: Vec<String> = proposal::list(
            pool,
            &proposal::Filter {
                call: CALL_CODE.into(),
                ..Default::default()
            },
        )
        .await?
        .into_iter()
        .map(|p| p.reference)
        .collect();
        for (form, received) in sample_proposals() {
            if present.iter().any(|r| r == form.reference.as_str()) {
                continue;
            }
            let p = proposal::create(pool, stamp, &form).await?;
            proposal::submit(pool, stamp, CALL_CODE, &p.content.reference, Some(received)).await?;
            created += 1;
        }
        if status == CallStatus::Open {
            call::set_status(pool, stamp, CALL_CODE, CallStatus::Closed).await?;
        }
    }
    let report = if matches!(status, CallStatus::Open | CallStatus::Closed) {
        Some(proposal::check_eligibility(pool, stamp, CALL_CODE).await?)
    } else {
        None
    };
    let total = proposal::list(
        pool,
        &proposal::Filter {
            call: CALL_CODE.into(),
            ..Default::default()
        },
    )
    .await?
    .len();
    Ok(Loaded {
        call: CALL_CODE.to_string(),
        call_created,
        proposals_created: created,
        proposals_total: total,
        eligible: report.as_ref().map_or(0, |r| r.eligible),
        ineligible: report.as_ref().map_or(0, |r| r.ineligible),
    })
}

/// The code of the call that [`load_scaled`] fills.
pub const SCALE_CODE: &str = "BJ-SCALE-2026";

/// How many proposals the scale call has.
async fn scale_proposals(pool: &Pool) -> Result<usize, Error> {
    let filter = proposal::Filter {
        call: SCALE_CODE.into(),
        ..Default::default()
    };
    Ok(proposal::list(pool, &filter).await?.len())
}

/// A large call for trying the window and measuring: the reference call's rules with `count`
/// synthetic submitted proposals from distinct applicants, written with their audit entries in
/// transactions of [`LOAD_BATCH`]. Creates the call if it is missing; adds proposals up to
/// `count`, so an interrupted load is completed by the next.
pub async fn load_scaled(pool: &Pool, stamp: &Stamp, count: usize) -> Result<Loaded, Error> {
    let mut call_created = false;
    if call::find(pool, SCALE_CODE).await?.is_none() {
        let form = CallForm {
            code: t(SCALE_CODE),
            title_zh: t("规模测试资助计划"),
            title_en: t("Scale test call"),
            // Five reviews a proposal, as the issue's national draw.
            min_reviewers: t("5"),
            ..reference_call_form()
        };
        call::create(pool, stamp, &form).await?;
        call::set_status(pool, stamp, SCALE_CODE, CallStatus::Open).await?;
        call_created = true;
    }
    let present = scale_proposals(pool).await?;
    let samples = sample_proposals();
    // In transactions of a thousand proposals: the load resumes where it stopped, and on
    // PostgreSQL a transaction of many audited acts slows as it goes, each act reading the
    // chain's head past every version of it the transaction made (15.9 ms a proposal at 6,000
    // in one transaction; 20,000 did not end in 10 minutes).
    let mut tx = crate::store::begin_write(pool).await?;
    for i in present..count {
        if i > present && (i - present) % LOAD_BATCH == 0 {
            tx.commit().await?;
            // And PostgreSQL plans its prepared statements on what it last learnt of the
            // tables: a lookup by reference on a table it last saw empty took milliseconds.
            if pool.backend() == Backend::Postgres {
                crate::db::query("ANALYZE applicants, proposals, budget_lines, audit_log")
                    .execute(pool)
                    .await?;
            }
            tx = crate::store::begin_write(pool).await?;
        }
        let (mut form, received) = samples[i % samples.len()].clone();
        form.call = t(SCALE_CODE);
        form.reference = Text(format!("{SCALE_CODE}-{:05}", i + 1));
        form.title = Text(format!("{}（{}）", form.title.as_str(), i + 1));
        let body = format!("91110108{:09}", 100_000_000 + i * 7);
        form.applicant.credit_code =
            Text(CreditCode::complete(&body).map_or(body, |c| c.to_string()));
        form.applicant.name = Text(format!("{}·{}", form.applicant.name.as_str(), i + 1));
        let p = proposal::store_create_on(&mut tx, stamp, &form).await?;
        proposal::store_transition_on(
            &mut tx,
            stamp,
            SCALE_CODE,
            &p.content.reference,
            proposal::ProposalStatus::Submitted,
            Some(received),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Loaded {
        call: SCALE_CODE.to_string(),
        call_created,
        proposals_created: count.saturating_sub(present),
        proposals_total: scale_proposals(pool).await?,
        eligible: 0,
        ineligible: 0,
    })
}

/// (name, affiliation, topics) of the sample reviewer pool: ten per topic, some knowing two.
const REVIEWERS: [(&str, &str, &str); 30] = [
    ("赵文涛", "中国科学院自动化研究所", "AI"),
    ("钱立群", "北京邮电大学", "AI"),
    ("孙明哲", "清河人工智能实验室", "AI,VR"),
    ("李雅静", "北京交通大学", "AI"),
    ("周启航", "国家信息中心", "AI"),
    ("吴佳宁", "北京航空航天大学", "AI,AR"),
    ("郑海峰", "首都经济贸易大学", "AI"),
    ("王思敏", "中国电子技术标准化研究院", "AI"),
    ("冯志远", "北京理工大学", "AI"),
    ("陈晓燕", "中国人民大学", "AI"),
    ("褚向东", "北京大学", "AR"),
    ("卫子墨", "中国科学院光电研究院", "AR"),
    ("蒋春雨", "北京工业大学", "AR"),
    ("沈一帆", "中国传媒大学", "AR,VR"),
    ("韩立峰", "北京信息科技大学", "AR"),
    ("杨若曦", "北方工业大学", "AR"),
    ("朱景明", "中国建筑科学研究院", "AR"),
    ("秦雨桐", "北京师范大学", "AR"),
    ("尤振华", "北京科技大学", "AR"),
    ("许清源", "中央美术学院", "VR"),
    ("何晓东", "北京电影学院", "VR"),
    ("吕思源", "中国科学院计算技术研究所", "VR"),
    ("施雨航", "北京体育大学", "VR"),
    ("张嘉仪", "首都医科大学", "VR"),
    ("孔德明", "北京林业大学", "VR"),
    ("曹慧芳", "中国科学院心理研究所", "VR"),
    ("严海波", "北京化工大学", "VR"),
    ("华明远", "京华理工大学", "AI"),
    ("金书瑶", "北京泓视科技有限公司", "VR"),
    ("魏志成", "中国标准化研究院", "VR"),
];

/// What loading the reviewed stage did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reviewed {
    #[serde(flatten)]
    pub loaded: Loaded,
    pub reviewers: usize,
    pub assignments: usize,
    pub reviews: usize,
    /// Of `reviews`, those this load entered.
    pub reviews_entered: usize,
}

/// The seed of the sample's reviewer draw.
pub const SAMPLE_SEED: u64 = 2026;

/// Carries the sample through review: a pool of 30 reviewers (two of them work for sample
/// applicants, one declares a conflict), the draw with a fixed seed, and realistic scores —
/// each proposal has a merit, each reviewer a leniency, and a few criteria are n/a.
pub async fn load_reviewed(pool: &Pool, stamp: &Stamp) -> Result<Reviewed, Error> {
    use crate::review;
    use crate::review::pool::{self as rpool, ConflictWith, Declared, ReviewerForm};

    let loaded = load(pool, stamp).await?;
    let samples = sample_proposals();
    let existing = rpool::list(pool).await?;
    for (i, (name, affiliation, topics)) in REVIEWERS.iter().enumerate() {
        let email = format!("expert{:02}@review.example.cn", i + 1);
        if existing.iter().any(|r| r.email == email) {
            continue;
        }
        // The last two work for sample applicants: automatic conflicts.
        let affiliation_code = match i {
            27 => samples[0].0.applicant.credit_code.clone(),
            28 => samples[6].0.applicant.credit_code.clone(),
            _ => Text::default(),
        };
        let form = ReviewerForm {
            seen_version: None,
            name: t(name),
            affiliation: t(affiliation),
            affiliation_code,
            email: Text(email),
            phone: Text(format!("010-6{:07}", 1_000_000 + i * 1_357)),
            topics: vec![t(topics)],
        };
        let r = rpool::create(pool, stamp, &form).await?;
        if i == 29 {
            let declared = Declared {
                reviewer: r.id,
                with: ConflictWith::Proposal {
                    call: CALL_CODE.into(),
                    reference: format!("{CALL_CODE}-0012"),
                },
                reason: "与项目负责人为近三年合作者".into(),
                declared_on: NaiveDate::from_ymd_opt(2026, 5, 6),
            };
            rpool::declare(pool, stamp, &declared).await?;
        }
    }
    let (drawn,): (i64,) = crate::db::query_as("SELECT COUNT(*) FROM draws")
        .fetch_one(pool)
        .await?;
    if drawn == 0 {
        review::assign(pool, stamp, CALL_CODE, Some(SAMPLE_SEED), 12).await?;
    }
    let open = unreviewed(pool, CALL_CODE).await?;
    for (reference, reviewer) in &open {
        let form = sample_review(CALL_CODE, reference, *reviewer);
        review::enter_review(pool, stamp, &form).await?;
    }
    let count = |sql: &'static str| async move {
        let (n,): (i64,) = crate::db::query_as(sql).fetch_one(pool).await?;
        Ok::<usize, Error>(n as usize)
    };
    Ok(Reviewed {
        loaded,
        reviewers: count("SELECT COUNT(*) FROM reviewers").await?,
        assignments: count("SELECT COUNT(*) FROM assignments WHERE status = 'assigned'").await?,
        reviews: count("SELECT COUNT(*) FROM reviews").await?,
        reviews_entered: open.len(),
    })
}

/// The (reference, reviewer) pairs of a call assigned and not yet reviewed.
async fn unreviewed(pool: &Pool, call_code: &str) -> Result<Vec<(String, i64)>, Error> {
    Ok(crate::db::query_as(
        "SELECT p.reference, s.reviewer_id FROM assignments s JOIN proposals p ON p.id = s.proposal_id
         JOIN calls c ON c.id = p.call_id
         LEFT JOIN reviews v ON v.proposal_id = s.proposal_id AND v.reviewer_id = s.reviewer_id
         WHERE c.code = $1 AND s.status = 'assigned' AND v.proposal_id IS NULL ORDER BY 1, 2",
    )
    .bind(call_code)
    .fetch_all(pool)
    .await?)
}

/// How many scale proposals each scale reviewer stands for: 100,000 proposals, 5,000 reviewers,
/// as in the issue's draw.
const PROPOSALS_PER_REVIEWER: usize = 20;

/// Carries the scale call (see [`load_scaled`]) through review, as a national call would go:
/// closed, checked, a pool of one reviewer per [`PROPOSALS_PER_REVIEWER`] proposals (each
/// knowing one topic or two), the draw, and every assignment scored as the sample scores. Each
/// step is skipped when done, so an interrupted load is completed by the next. Scores are
/// entered through the score sheet's use case, in sheets of [`LOAD_BATCH`] reviews.
pub async fn load_scaled_reviewed(
    pool: &Pool,
    stamp: &Stamp,
    count: usize,
) -> Result<Reviewed, Error> {
    use crate::review;
    use crate::review::pool::{self as rpool, ReviewerForm};

    let existing = call::find(pool, SCALE_CODE).await?;
    let loaded = match existing.as_ref().map(|c| c.status) {
        None | Some(CallStatus::Draft | CallStatus::Open) => {
            let loaded = load_scaled(pool, stamp, count).await?;
            call::set_status(pool, stamp, SCALE_CODE, CallStatus::Closed).await?;
            loaded
        }
        Some(_) => {
            // Closed for review: no proposal can be added any more.
            let present = scale_proposals(pool).await?;
            if present < count {
                return Err(Error::invalid(
                    "scale",
                    "scale_call_closed",
                    format!(
                        "规模测试资助计划已截止受理并进入评审，现有 {present} 份申请书，不能再增加到 {count} 份"
                    ),
                    format!(
                        "the scale call is closed and under review with {present} proposals: it cannot grow to {count}"
                    ),
                ));
            }
            Loaded {
                call: SCALE_CODE.to_string(),
                call_created: false,
                proposals_created: 0,
                proposals_total: 0,
                eligible: 0,
                ineligible: 0,
            }
        }
    };
    let checked = proposal::check_eligibility(pool, stamp, SCALE_CODE).await?;
    // The pool knows the topics in the proportions the proposals have them (the scale call's
    // proposals cycle through the sample's), so that the draw can staff every one.
    let topics: Vec<Text> = sample_proposals()
        .into_iter()
        .map(|(form, _)| form.topic)
        .collect();
    let reviewers = count.div_ceil(PROPOSALS_PER_REVIEWER).max(10);
    let present: std::collections::HashSet<String> = rpool::list(pool)
        .await?
        .into_iter()
        .map(|r| r.email)
        .collect();
    for i in 0..reviewers {
        let email = format!("scale{:05}@review.example.cn", i + 1);
        if present.contains(&email) {
            continue;
        }
        let mut known = vec![topics[i % topics.len()].clone()];
        let second = &topics[(i * 7 + 3) % topics.len()];
        if i % 4 == 0 && !known.contains(second) {
            known.push(second.clone());
        }
        let (name, affiliation, _) = REVIEWERS[i % REVIEWERS.len()];
        let form = ReviewerForm {
            seen_version: None,
            name: Text(format!("{name}{}", i + 1)),
            affiliation: t(affiliation),
            affiliation_code: Text::default(),
            email: Text(email),
            phone: Text(format!("010-8{:07}", i)),
            topics: known,
        };
        rpool::create(pool, stamp, &form).await?;
    }
    let (drawn,): (i64,) = crate::db::query_as(
        "SELECT COUNT(*) FROM draws d JOIN calls c ON c.id = d.call_id WHERE c.code = $1",
    )
    .bind(SCALE_CODE)
    .fetch_one(pool)
    .await?;
    let c = call::get(pool, SCALE_CODE).await?;
    if drawn == 0 {
        // Each reviewer's cap: the average load and a little over, as an officer would set it.
        let need = c.spec.min_reviewers as usize;
        let cap = (checked.eligible * need).div_ceil(reviewers) + 2;
        review::assign(pool, stamp, SCALE_CODE, Some(SAMPLE_SEED), cap as u32).await?;
    }
    let open = unreviewed(pool, SCALE_CODE).await?;
    for (k, sheet) in open.chunks(LOAD_BATCH).enumerate() {
        let rows: Vec<(usize, review::ReviewForm)> = sheet
            .iter()
            .enumerate()
            .map(|(i, (reference, reviewer))| {
                (
                    k * LOAD_BATCH + i + 2,
                    sample_review(SCALE_CODE, reference, *reviewer),
                )
            })
            .collect();
        review::import_reviews(pool, stamp, &rows, false).await?;
    }
    let count_of = |sql: &'static str| async move {
        let (n,): (i64,) = crate::db::query_as(sql)
            .bind(SCALE_CODE)
            .fetch_one(pool)
            .await?;
        Ok::<usize, Error>(n as usize)
    };
    Ok(Reviewed {
        loaded: Loaded {
            proposals_total: scale_proposals(pool).await?,
            eligible: checked.eligible,
            ineligible: checked.ineligible,
            ..loaded
        },
        reviewers: rpool::list(pool).await?.len(),
        assignments: count_of(
            "SELECT COUNT(*) FROM assignments s JOIN proposals p ON p.id = s.proposal_id
             JOIN calls c ON c.id = p.call_id WHERE c.code = $1 AND s.status = 'assigned'",
        )
        .await?,
        reviews: count_of(
            "SELECT COUNT(*) FROM reviews v JOIN proposals p ON p.id = v.proposal_id
             JOIN calls c ON c.id = p.call_id WHERE c.code = $1",
        )
        .await?,
        reviews_entered: open.len(),
    })
}

/// A review of `reference` by `reviewer` as the sample scores them: each proposal has a merit,
/// each reviewer a leniency, and now and then the team criterion is n/a.
fn sample_review(call: &str, reference: &str, reviewer: i64) -> crate::review::ReviewForm {
    use crate::review::ReviewForm;
    let keys = ["innovation", "feasibility", "team", "impact"];
    let merit = Lcg(reference
        .bytes()
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b))))
    .next(5) as i64
        + 4;
    let leniency = reviewer % 5 - 2;
    let mut noise = Lcg((reviewer as u64) << 32 ^ reference.len() as u64 ^ merit as u64);
    let mut scores = std::collections::BTreeMap::new();
    let mut total = 0;
    for (k, key) in keys.iter().enumerate() {
        let score = (merit + leniency + noise.next(3) as i64 - 1).clamp(0, 10);
        let na = k == 2 && noise.next(9) == 0;
        scores.insert(
            key.to_string(),
            if na {
                t("n/a")
            } else {
                Text(score.to_string())
            },
        );
        total += score;
    }
    let recommendation = match total {
        t if t >= 30 => "fund",
        t if t >= 22 => "fund_if_budget",
        _ => "do_not_fund",
    };
    ReviewForm {
        call: t(call),
        reference: t(reference),
        reviewer: Text(format!("R{reviewer}")),
        scores,
        comment: t("研究目标明确，技术路线基本可行。"),
        recommendation: t(recommendation),
    }
}

/// What loading the awarded stage did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Awarded {
    #[serde(flatten)]
    pub reviewed: Reviewed,
    pub awards: usize,
    pub committed: crate::money::Money,
}

/// Carries the sample through the decision: the exact optimiser's set with at least two
/// awards per topic, one award cut with a reason, the awards issued on 2026-12-01 to start
/// on 2027-01-01, and the first award accepted. Idempotent: an awarded sample is left alone.
pub async fn load_awarded(pool: &Pool, stamp: &Stamp) -> Result<Awarded, Error> {
    use crate::decision::{self, AwardStatus, DecisionForm, IssueForm, QuotaForm, SuggestForm};

    let reviewed = load_reviewed(pool, stamp).await?;
    let mut awards = decision::awards(pool, CALL_CODE).await?;
    if awards.is_empty() {
        let quotas = ["AI", "AR", "VR"]
            .iter()
            .map(|topic| QuotaForm {
                topic: t(topic),
                min: t("2"),
                max: Text::default(),
            })
            .collect();
        let form = SuggestForm {
            call: t(CALL_CODE),
            mode: t("exact"),
            order: t("mean"),
            cut: Text::default(),
            quotas,
        };
        let board = decision::apply(
            pool,
            &crate::review::table::Rankings::new(),
            stamp,
            &form,
            decision::Rows::ALL,
        )
        .await?;
        if let Some(first) = board.rows.iter().find(|r| r.proposed.is_some()) {
            let cut = first
                .requested
                .percent(
                    crate::percent::Percent::from_basis_points(9000).unwrap_or_default(),
                    crate::money::Rounding::Down,
                )
                .max(board.floor);
            decision::propose(
                pool,
                &crate::review::table::Rankings::new(),
                stamp,
                &DecisionForm {
                    call: t(CALL_CODE),
                    reference: Text(first.reference.clone()),
                    amount: Text(cut.to_string()),
                    reason: t("设备费测算偏高，核减 10%"),
                },
                decision::Rows::ALL,
            )
            .await?;
        }
        awards = decision::issue(
            pool,
            stamp,
            &IssueForm {
                call: t(CALL_CODE),
                start_on: t("2027-01-01"),
                decided_on: t("2026-12-01"),
            },
        )
        .await?;
        if let Some(a) = awards.first() {
            decision::set_award_status(pool, stamp, &a.number, AwardStatus::Accepted).await?;
        }
    }
    let committed =
        crate::money::Money::checked_sum(awards.iter().map(|a| a.amount)).unwrap_or_default();
    Ok(Awarded {
        reviewed,
        awards: awards.len(),
        committed,
    })
}
