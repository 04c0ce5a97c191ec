//! Amounts written in Chinese capitals (中文大写金额), as vouchers and certificates print them.
//!
//! The rules are those of the People's Bank of China, 《正确填写票据和结算凭证的基本规定》
//! (annexed to 《支付结算办法》, 银发〔1997〕393号). Where the rule leaves a choice, the one
//! taken here is named:
//!
//! - digits 壹贰叁肆伍陆柒捌玖, units 拾佰仟万亿 and 元角分; tens are written with their digit
//!   (壹拾元, 壹拾万), never a bare 拾;
//! - 整 follows an amount that ends at 元. After 角 the rule says 整 "may be omitted"; this
//!   module writes it (壹仟陆佰伍拾壹元陆角整), so that nothing can be appended after the
//!   last unit. No 整 after 分;
//! - one 零 for each run of zeros between two non-zero digits of the yuan part, 万位 included
//!   (壹仟零伍元, 壹拾万零壹佰元, 壹拾万零柒仟元);
//! - 元位 zero followed by a non-zero 角: the rule allows 零 or none; none is written here
//!   (壹仟陆佰捌拾元叁角贰分);
//! - 角位 zero with a non-zero 分: 零 after 元, as required (壹仟元零壹分);
//! - no yuan: no 元 (伍分, 伍角整); nothing at all: 零元整.

use rust_decimal::Decimal;

use crate::Amount;

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
/// Units inside a group of four digits, from the ones place up.
const PLACE_UNITS: [&str; 4] = ["", "拾", "佰", "仟"];
/// Units of the groups of four, from the ones group up.
const GROUP_UNITS: [&str; 3] = ["", "万", "亿"];
/// One more than the largest yuan amount written: the units above stop at 亿.
const LIMIT_YUAN: i64 = 1_000_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CapitalsError {
    #[error("a negative amount has no capitals form")]
    Negative,
    #[error("amount too large for capitals")]
    TooLarge,
}

/// `991.00` → `玖佰玖拾壹元整`. The caller adds the `人民币` prefix where the form wants one.
pub fn amount_in_chinese_capitals(amount: Amount) -> Result<String, CapitalsError> {
    if amount.decimal() < Decimal::ZERO {
        return Err(CapitalsError::Negative);
    }
    if amount.decimal() >= Decimal::from(LIMIT_YUAN) {
        return Err(CapitalsError::TooLarge);
    }
    let fen = amount.fen();
    let yuan = fen / 100;
    let jiao = digit(fen / 10 % 10);
    let fen = digit(fen % 10);

    let mut text = yuan_in_capitals(yuan);
    if yuan > 0 {
        text.push('元');
    }
    match (jiao, fen) {
        (0, 0) if yuan == 0 => text.push_str("零元整"),
        (0, 0) => text.push('整'),
        (0, f) if yuan > 0 => text.extend(['零', DIGITS[f], '分']),
        (0, f) => text.extend([DIGITS[f], '分']),
        (j, 0) => text.extend([DIGITS[j], '角', '整']),
        (j, f) => text.extend([DIGITS[j], '角', DIGITS[f], '分']),
    }
    Ok(text)
}

fn digit(value: i64) -> usize {
    usize::try_from(value).unwrap_or(0)
}

/// The yuan part without its 元; empty for zero.
fn yuan_in_capitals(yuan: i64) -> String {
    let digits: Vec<usize> = yuan
        .to_string()
        .bytes()
        .map(|b| usize::from(b - b'0'))
        .collect();
    let mut text = String::new();
    let mut zero_pending = false;
    let mut group_has_digit = false;
    for (at, &d) in digits.iter().enumerate() {
        let place = digits.len() - 1 - at;
        if d == 0 {
            zero_pending = !text.is_empty();
        } else {
            if zero_pending {
                text.push('零');
                zero_pending = false;
            }
            text.push(DIGITS[d]);
            text.push_str(PLACE_UNITS[place % 4]);
            group_has_digit = true;
        }
        if place.is_multiple_of(4) {
            if group_has_digit {
                text.push_str(GROUP_UNITS[place / 4]);
            }
            group_has_digit = false;
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capitals(text: &str) -> String {
        amount_in_chinese_capitals(text.parse().unwrap()).unwrap()
    }

    #[test]
    fn should_write_the_certificate_amounts() {
        for (figures, expected) in [
            ("991.00", "玖佰玖拾壹元整"),
            ("1005.00", "壹仟零伍元整"),
            ("0.05", "伍分"),
            ("10.00", "壹拾元整"),
            ("100000.00", "壹拾万元整"),
            ("1651.60", "壹仟陆佰伍拾壹元陆角整"),
            ("2973.00", "贰仟玖佰柒拾叁元整"),
            ("1000.01", "壹仟元零壹分"),
            ("100100.00", "壹拾万零壹佰元整"),
            ("5946.00", "伍仟玖佰肆拾陆元整"),
        ] {
            assert_eq!(capitals(figures), expected, "{figures}");
        }
    }

    #[test]
    fn should_follow_the_pboc_examples() {
        for (figures, expected) in [
            ("1409.50", "壹仟肆佰零玖元伍角整"),
            ("6007.14", "陆仟零柒元壹角肆分"),
            ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
            ("107000.53", "壹拾万零柒仟元伍角叁分"),
            ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
            ("325.04", "叁佰贰拾伍元零肆分"),
        ] {
            assert_eq!(capitals(figures), expected, "{figures}");
        }
    }

    #[test]
    fn should_place_group_units_and_zeros_across_groups() {
        for (figures, expected) in [
            ("0.00", "零元整"),
            ("0.50", "伍角整"),
            ("0.55", "伍角伍分"),
            ("15.00", "壹拾伍元整"),
            ("110.00", "壹佰壹拾元整"),
            ("10010.00", "壹万零壹拾元整"),
            ("100000000.00", "壹亿元整"),
            ("100010000.00", "壹亿零壹万元整"),
            ("100001000.00", "壹亿零壹仟元整"),
            ("120003400.00", "壹亿贰仟万零叁仟肆佰元整"),
            (
                "999999999999.99",
                "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分",
            ),
        ] {
            assert_eq!(capitals(figures), expected, "{figures}");
        }
    }

    #[test]
    fn should_refuse_negative_and_oversized_amounts() {
        let negative = Amount::from_decimal(rust_decimal::Decimal::NEGATIVE_ONE);
        assert_eq!(
            amount_in_chinese_capitals(negative),
            Err(CapitalsError::Negative)
        );
        let huge: Amount = "1000000000000.00".parse().unwrap();
        assert_eq!(
            amount_in_chinese_capitals(huge),
            Err(CapitalsError::TooLarge)
        );
    }
}
