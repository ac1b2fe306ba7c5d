//! Written durations: `36h`, `-3d`, `2w`, `5bd`.

/// The unit of a written duration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Unit {
    Seconds,
    Minutes,
    Hours,
    Days,
    Weeks,
    BusinessDays,
}

/// A written duration such as `36h`, `-3d`, `2w` or `5bd`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Span {
    pub amount: i64,
    pub unit: Unit,
}

impl Span {
    /// Parses `<integer><unit>` with unit `m`, `h`, `d`, `w` or `bd`; a leading `-` is allowed.
    pub fn parse(s: &str) -> Result<Span, String> {
        let t = s.trim();
        let digits_end = t
            .char_indices()
            .find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && (*c == '-' || *c == '+'))))
            .map(|(i, _)| i)
            .unwrap_or(t.len());
        let (num, unit) = t.split_at(digits_end);
        let bad = || {
            format!(
                "\"{s}\" is not a duration; write a whole number and a unit: \
                 s, m, h, d, w or bd (business days), e.g. 36h, 7d, -3d, 5bd"
            )
        };
        let amount: i64 = num.parse().map_err(|_| bad())?;
        if amount.abs() > 100_000 {
            return Err(format!("\"{s}\" is too long a duration"));
        }
        let unit = match unit {
            "s" => Unit::Seconds,
            "m" | "min" => Unit::Minutes,
            "h" => Unit::Hours,
            "d" => Unit::Days,
            "w" => Unit::Weeks,
            "bd" => Unit::BusinessDays,
            _ => return Err(bad()),
        };
        Ok(Span { amount, unit })
    }

    /// The elapsed time of a duration without business days.
    pub fn to_delta(self) -> Option<chrono::TimeDelta> {
        match self.unit {
            Unit::Seconds => chrono::TimeDelta::try_seconds(self.amount),
            Unit::Minutes => chrono::TimeDelta::try_minutes(self.amount),
            Unit::Hours => chrono::TimeDelta::try_hours(self.amount),
            Unit::Days => chrono::TimeDelta::try_days(self.amount),
            Unit::Weeks => chrono::TimeDelta::try_weeks(self.amount),
            Unit::BusinessDays => None,
        }
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.unit {
            Unit::Seconds => "s",
            Unit::Minutes => "m",
            Unit::Hours => "h",
            Unit::Days => "d",
            Unit::Weeks => "w",
            Unit::BusinessDays => "bd",
        };
        write!(f, "{}{unit}", self.amount)
    }
}
