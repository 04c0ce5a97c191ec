//! The sandbox's fictional people (valid check digits, fictional names) and their
//! assessments for the current period of the sandbox's "today".

use chrono::NaiveDate;
use shebao_core::period::PeriodType;
use shebao_core::policy::InsuranceItem;
use shebao_core::{Amount, IdNumber, IdType, PersonName, YearMonth};

use crate::GatewayError;
use crate::store::{SeedAssessment, SeedPerson, Store};

struct Fictional {
    key: &'static str,
    name: &'static str,
    id_type: IdType,
    id_number: &'static str,
    /// Monthly base in fen and period type of a pension assessment; `None`: not insured.
    pension: Option<(i64, PeriodType)>,
}

const PEOPLE: [Fictional; 5] = [
    Fictional {
        key: "01",
        name: "马小燕",
        id_type: IdType::ResidentIdCard,
        id_number: "640104199003150022",
        pension: Some((495_500, PeriodType::Monthly)),
    },
    Fictional {
        key: "02",
        name: "王建国",
        id_type: IdType::ResidentIdCard,
        id_number: "64020219850720001X",
        pension: Some((825_800, PeriodType::Monthly)),
    },
    Fictional {
        key: "03",
        name: "马福海",
        id_type: IdType::ResidentIdCard,
        id_number: "64030319781108003X",
        pension: Some((495_500, PeriodType::Quarterly)),
    },
    Fictional {
        key: "04",
        name: "张晓梅",
        id_type: IdType::ResidentIdCard,
        id_number: "640104199003150049",
        pension: None,
    },
    Fictional {
        key: "05",
        name: "陈嘉欣",
        id_type: IdType::ResidencePermitHmt,
        id_number: "810000199203050027",
        pension: Some((495_500, PeriodType::Monthly)),
    },
];

/// Seeds the fictional people once; later calls find the marker, do nothing and return false.
pub async fn seed(store: &Store, today: NaiveDate, now: i64) -> Result<bool, GatewayError> {
    let people = people(today)?;
    let seeded = store.seed_sandbox(&people, now).await?;
    if seeded {
        tracing::info!(people = people.len(), "sandbox seeded");
    }
    Ok(seeded)
}

fn people(today: NaiveDate) -> Result<Vec<SeedPerson>, GatewayError> {
    let month = YearMonth::of(today);
    PEOPLE
        .iter()
        .map(|person| {
            // The seed must pass the same rules as user input.
            PersonName::parse(person.name)
                .map_err(|code| GatewayError::Seed(format!("person {}: {code}", person.key)))?;
            IdNumber::parse(person.id_type, person.id_number, today)
                .map_err(|code| GatewayError::Seed(format!("person {}: {code}", person.key)))?;
            let assessments = person
                .pension
                .iter()
                .map(|(base_fen, period_type)| {
                    let (first, last) = period_type.period_containing(month);
                    SeedAssessment {
                        assessment_id: format!("asm_sandbox_{}", person.key),
                        payable_id: format!("pay_sandbox_{}_{first}", person.key),
                        item: InsuranceItem::Pension,
                        base: Amount::from_fen(*base_fen),
                        period_type: *period_type,
                        first,
                        last,
                    }
                })
                .collect();
            Ok(SeedPerson {
                id: format!("psn_sandbox_{}", person.key),
                name: person.name.to_owned(),
                id_type: person.id_type,
                id_number: person.id_number.to_owned(),
                insured: person.pension.is_some(),
                // Insured since January of the year before, so that their months from then on
                // can be assessed and paid as arrears.
                insured_since: person
                    .pension
                    .and_then(|_| YearMonth::new(month.year() - 1, 1)),
                assessments,
            })
        })
        .collect()
}

/// Districts of Ningxia whose codes open the load-test population's ID numbers.
const DISTRICTS: [&str; 10] = [
    "640104", "640105", "640106", "640121", "640122", "640181", "640202", "640302", "640402",
    "640502",
];
const SURNAMES: [char; 20] = [
    '马', '王', '李', '张', '杨', '刘', '陈', '赵', '周', '吴', '徐', '孙', '胡', '朱', '高', '林',
    '何', '郭', '罗', '梁',
];
const GIVEN: [char; 20] = [
    '晓', '建', '文', '海', '秀', '国', '明', '丽', '玉', '志', '红', '春', '金', '凤', '德', '兰',
    '永', '福', '梅', '静',
];
/// Birth dates span this many days from 1966-01-01 (about 30 years).
const BIRTH_DAYS: u32 = 10_950;

/// People `first..first + count` of the load-test population: fictional names, valid resident ID
/// numbers (unique for the first 50 million, none a hand-made fictional person's), each insured with a monthly pension assessment,
/// transmitted and payable, for the month containing `today`. Ids are `psn_load_<index>`.
pub fn population(first: u32, count: u32, today: NaiveDate) -> Vec<SeedPerson> {
    let month = YearMonth::of(today);
    (first..first.saturating_add(count))
        .map(|index| {
            let (name, id_number) = load_identity(index);
            let key = format!("load_{index:09}");
            SeedPerson {
                id: format!("psn_{key}"),
                name,
                id_type: IdType::ResidentIdCard,
                id_number,
                insured: true,
                insured_since: Some(month),
                assessments: vec![SeedAssessment {
                    assessment_id: format!("asm_{key}"),
                    payable_id: format!("pay_{key}_{month}"),
                    item: InsuranceItem::Pension,
                    base: Amount::from_fen(495_500),
                    period_type: PeriodType::Monthly,
                    first: month,
                    last: month,
                }],
            }
        })
        .collect()
}

/// The name and resident ID number of the load-test population's person `index` (what a
/// load generator confirms identities with).
pub fn load_identity(index: u32) -> (String, String) {
    let born_from = NaiveDate::from_ymd_opt(1966, 1, 1).unwrap_or(NaiveDate::MIN);
    let district = DISTRICTS[(index % 10) as usize];
    let born = born_from + chrono::Days::new(u64::from(index / 10 % BIRTH_DAYS));
    // Sequence numbers 500–999, apart from the hand-made fictional people's (001–099).
    let sequence = 500 + index / (10 * BIRTH_DAYS) % 500;
    let first17 = format!("{district}{}{sequence:03}", born.format("%Y%m%d"));
    let check = char::from(shebao_core::id::check_char(first17.as_bytes()));
    let name: String = [
        SURNAMES[(index % 20) as usize],
        GIVEN[(index / 20 % 20) as usize],
        GIVEN[(index / 400 % 20) as usize],
    ]
    .iter()
    .collect();
    (name, format!("{first17}{check}"))
}

/// Fills the load-test population up to `size` people, in batches; returns how many were
/// added (none when it holds that many already).
pub async fn seed_population(
    store: &Store,
    size: u32,
    today: NaiveDate,
    now: i64,
) -> Result<u32, GatewayError> {
    const BATCH: u32 = 2_000;
    let held = u32::try_from(store.population_count().await?).unwrap_or(u32::MAX);
    let mut next = held;
    while next < size {
        let count = BATCH.min(size - next);
        store
            .seed_population(&population(next, count, today), now)
            .await?;
        next += count;
    }
    let added = size.saturating_sub(held);
    if added > 0 {
        tracing::info!(added, size, "load-test population seeded");
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn should_seed_the_current_month_and_quarter() {
        let people = people(NaiveDate::from_ymd_opt(2025, 6, 15).unwrap()).unwrap();
        assert_eq!(people.len(), 5);
        let monthly = &people[0].assessments[0];
        assert_eq!(
            (monthly.first.to_string(), monthly.last.to_string()),
            ("2025-06".into(), "2025-06".into())
        );
        let quarterly = &people[2].assessments[0];
        assert_eq!(
            (quarterly.first.to_string(), quarterly.last.to_string()),
            ("2025-04".into(), "2025-06".into())
        );
        assert_eq!(people[0].insured_since, YearMonth::new(2024, 1));
        assert!(!people[3].insured);
        assert_eq!(people[3].insured_since, None);
        assert!(people[3].assessments.is_empty());
        assert_eq!(people[4].id_type, IdType::ResidencePermitHmt);
    }

    #[test]
    fn should_generate_a_population_of_valid_distinct_people() {
        let today = NaiveDate::from_ymd_opt(2025, 6, 15).unwrap();
        let people = population(0, 3_000, today);
        let numbers: std::collections::HashSet<&str> = people
            .iter()
            .map(|person| person.id_number.as_str())
            .collect();
        assert_eq!(numbers.len(), 3_000);
        for person in &people {
            IdNumber::parse(IdType::ResidentIdCard, &person.id_number, today).unwrap();
            PersonName::parse(&person.name).unwrap();
            assert_eq!(person.assessments[0].first.to_string(), "2025-06");
        }
        // Far into the population, still no hand-made fictional person's number (马小燕's would
        // come up at 307,390 with sequence numbers from 000).
        let hand_made: Vec<String> = super::people(today)
            .unwrap()
            .into_iter()
            .map(|p| p.id_number)
            .collect();
        for index in [307_390, 999_999, 49_999_999] {
            assert!(!hand_made.contains(&load_identity(index).1), "{index}");
        }
        // A later batch continues the numbering rather than repeating it.
        let later = population(3_000, 1, today);
        assert_eq!(later[0].id, "psn_load_000003000");
        assert!(!numbers.contains(later[0].id_number.as_str()));
    }
}
