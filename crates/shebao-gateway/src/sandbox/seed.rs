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
                name: person.name,
                id_type: person.id_type,
                id_number: person.id_number,
                insured: person.pension.is_some(),
                assessments,
            })
        })
        .collect()
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
        assert!(!people[3].insured);
        assert!(people[3].assessments.is_empty());
        assert_eq!(people[4].id_type, IdType::ResidencePermitHmt);
    }
}
