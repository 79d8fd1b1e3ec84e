//! Price schedules: a fixed price, or time-of-use bands laid out by season and day type.
//!
//! Band boundaries lie on the 15-minute grid of local time because the day arrives in
//! 15-minute slots; validation rejects other boundaries, overlaps and uncovered times with a
//! message that names the field, the times and the bands.

use chrono::{Datelike, NaiveDate, Weekday};
use mgc_kernel::{Currency, PricePerKwh};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Minutes per grid cell.
pub const CELL_MINUTES: u32 = 15;
/// Grid cells per day.
pub const CELLS: usize = 96;
/// Band name of a fixed-price schedule.
pub const FIXED_BAND: &str = "fixed";

/// Which days a variant applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayType {
    /// Every day without a more specific variant.
    All,
    /// Monday to Friday.
    Weekday,
    /// Saturday and Sunday (and holidays when there is no holiday variant).
    Weekend,
    /// Dates in the tariff's holiday list.
    Holiday,
}

impl DayType {
    /// The lowercase name.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            DayType::All => "all",
            DayType::Weekday => "weekday",
            DayType::Weekend => "weekend",
            DayType::Holiday => "holiday",
        }
    }

    /// Day type of a local date: holiday if listed, weekend on Saturday/Sunday, else weekday.
    #[must_use]
    pub fn of(date: NaiveDate, holidays: &BTreeSet<NaiveDate>) -> DayType {
        if holidays.contains(&date) {
            DayType::Holiday
        } else if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            DayType::Weekend
        } else {
            DayType::Weekday
        }
    }
}

/// One local time-of-day range priced at `band`; `to` may be `24:00`; `to` before `from` wraps midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodSpec {
    /// Start, `HH:MM` local time.
    pub from: String,
    /// End (exclusive), `HH:MM` local time or `24:00`.
    pub to: String,
    /// Band name.
    pub band: String,
}

/// Period layout for one kind of day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayVariantSpec {
    /// Days this layout applies to.
    pub days: DayType,
    /// Periods covering the whole day exactly once.
    pub periods: Vec<PeriodSpec>,
}

/// A range of months (inclusive, may wrap over the new year) with its day layouts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeasonSpec {
    /// Name shown in messages.
    pub name: String,
    /// First month (1-12).
    pub from_month: u32,
    /// Last month (1-12), inclusive.
    pub to_month: u32,
    /// Layouts per day type.
    pub days: Vec<DayVariantSpec>,
}

/// A price schedule as written in the tariff JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ScheduleSpec {
    /// One price for every slot (band `fixed`).
    Fixed {
        /// Decimal major units per kWh, e.g. `"0.3920"`.
        price: String,
    },
    /// Time-of-use bands.
    TimeOfUse {
        /// Band name → decimal major units per kWh.
        bands: BTreeMap<String, String>,
        /// Seasons covering every month exactly once.
        seasons: Vec<SeasonSpec>,
    },
}

/// One validated day layout: the band index of each 15-minute cell.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Layout {
    days: DayType,
    cells: [u8; CELLS],
}

/// A validated season.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Season {
    months: [bool; 12],
    layouts: Vec<Layout>,
}

/// A validated schedule, ready to price slots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    bands: Vec<(String, PricePerKwh)>,
    seasons: Vec<Season>,
}

impl Schedule {
    /// Band name and price of the cell (`minute_of_day / 15`) on `date` of day type `day_type`.
    #[must_use]
    pub fn band_at(&self, date: NaiveDate, day_type: DayType, cell: usize) -> (&str, PricePerKwh) {
        let month = date.month0() as usize;
        let index = self
            .seasons
            .iter()
            .find(|s| s.months.get(month).copied().unwrap_or(false))
            .and_then(|s| pick_layout(&s.layouts, day_type))
            .and_then(|l| l.cells.get(cell.min(CELLS - 1)))
            .map_or(0, |b| usize::from(*b));
        let (name, price) = &self.bands[index.min(self.bands.len() - 1)];
        (name, *price)
    }
}

/// The layout for `day_type`: exact match, then holiday → weekend, then `all`.
fn pick_layout(layouts: &[Layout], day_type: DayType) -> Option<&Layout> {
    let find = |d: DayType| layouts.iter().find(|l| l.days == d);
    find(day_type)
        .or_else(|| if day_type == DayType::Holiday { find(DayType::Weekend) } else { None })
        .or_else(|| find(DayType::All))
}

impl ScheduleSpec {
    /// Validates the schedule (`path` prefixes every message, e.g. `import`).
    pub fn compile(&self, path: &str, currency: Currency) -> Result<Schedule, String> {
        match self {
            ScheduleSpec::Fixed { price } => {
                let price = parse_price(&format!("{path}.price"), price, currency)?;
                let months = [true; 12];
                let layouts = vec![Layout { days: DayType::All, cells: [0; CELLS] }];
                Ok(Schedule { bands: vec![(FIXED_BAND.to_owned(), price)], seasons: vec![Season { months, layouts }] })
            }
            ScheduleSpec::TimeOfUse { bands, seasons } => compile_tou(path, bands, seasons, currency),
        }
    }
}

fn parse_price(path: &str, raw: &str, currency: Currency) -> Result<PricePerKwh, String> {
    PricePerKwh::parse_decimal(raw, currency).map_err(|e| format!("{path}: {e}"))
}

fn compile_tou(
    path: &str,
    bands: &BTreeMap<String, String>,
    seasons: &[SeasonSpec],
    currency: Currency,
) -> Result<Schedule, String> {
    if bands.is_empty() {
        return Err(format!("{path}.bands: at least one band is needed"));
    }
    if bands.len() > usize::from(u8::MAX) {
        return Err(format!("{path}.bands: at most 255 bands"));
    }
    let mut priced = Vec::with_capacity(bands.len());
    for (name, price) in bands {
        let valid = !name.is_empty()
            && name.len() <= 32
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid {
            return Err(format!("{path}.bands: band name '{name}' must be 1-32 of a-z, 0-9 and _"));
        }
        priced.push((name.clone(), parse_price(&format!("{path}.bands.{name}"), price, currency)?));
    }
    if seasons.is_empty() {
        return Err(format!("{path}.seasons: at least one season is needed (e.g. from_month 1, to_month 12)"));
    }
    let mut owner: [Option<usize>; 12] = [None; 12];
    let mut compiled = Vec::with_capacity(seasons.len());
    for (i, season) in seasons.iter().enumerate() {
        let at = format!("{path}.seasons[{i}]");
        let months = season_months(&at, season)?;
        for (m, inside) in months.iter().enumerate() {
            if !inside {
                continue;
            }
            if let Some(other) = owner[m] {
                return Err(format!(
                    "{at}: season '{}' overlaps season '{}' in month {}",
                    season.name,
                    seasons[other].name,
                    m + 1
                ));
            }
            owner[m] = Some(i);
        }
        compiled.push(Season { months, layouts: compile_variants(&at, &season.days, &priced)? });
    }
    let uncovered: Vec<String> =
        owner.iter().enumerate().filter(|(_, o)| o.is_none()).map(|(m, _)| (m + 1).to_string()).collect();
    if !uncovered.is_empty() {
        return Err(format!("{path}.seasons: no season covers month(s) {}", uncovered.join(", ")));
    }
    Ok(Schedule { bands: priced, seasons: compiled })
}

fn season_months(at: &str, s: &SeasonSpec) -> Result<[bool; 12], String> {
    for (field, m) in [("from_month", s.from_month), ("to_month", s.to_month)] {
        if !(1..=12).contains(&m) {
            return Err(format!("{at}.{field}: {m} is not a month (1-12)"));
        }
    }
    let mut months = [false; 12];
    let mut m = s.from_month;
    loop {
        months[(m - 1) as usize] = true;
        if m == s.to_month {
            break;
        }
        m = m % 12 + 1;
    }
    Ok(months)
}

fn compile_variants(
    at: &str,
    variants: &[DayVariantSpec],
    bands: &[(String, PricePerKwh)],
) -> Result<Vec<Layout>, String> {
    let mut seen = BTreeSet::new();
    let mut layouts = Vec::with_capacity(variants.len());
    for (i, v) in variants.iter().enumerate() {
        if !seen.insert(v.days) {
            return Err(format!("{at}.days[{i}]: the '{}' layout is defined twice", v.days.as_str()));
        }
        let cells = compile_periods(&format!("{at}.days[{i}]"), &v.periods, bands)?;
        layouts.push(Layout { days: v.days, cells });
    }
    if seen.contains(&DayType::All) && seen.contains(&DayType::Weekday) && seen.contains(&DayType::Weekend) {
        return Err(format!("{at}.days: the 'all' layout would never apply beside 'weekday' and 'weekend'"));
    }
    for needed in [DayType::Weekday, DayType::Weekend] {
        if !seen.contains(&needed) && !seen.contains(&DayType::All) {
            return Err(format!(
                "{at}.days: no layout for {} days (add a '{}' or an 'all' layout)",
                needed.as_str(),
                needed.as_str()
            ));
        }
    }
    Ok(layouts)
}

/// Parses `HH:MM` into minutes of the day; `24:00` only when `end`.
pub fn parse_time(at: &str, raw: &str, end: bool) -> Result<u32, String> {
    let bad = || format!("{at}: '{raw}' is not a time of day (HH:MM, 00:00-24:00)");
    let (h, m) = raw.split_once(':').ok_or_else(bad)?;
    let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(h) || !two_digits(m) {
        return Err(bad());
    }
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    let minutes = h * 60 + m;
    if m > 59 || minutes > 24 * 60 || (minutes == 24 * 60 && !end) {
        return Err(bad());
    }
    if m % CELL_MINUTES != 0 {
        return Err(format!(
            "{at}: {raw} is not on the 15-minute grid (band boundaries must fall on :00, :15, :30 or :45 \
             because energy is settled in 15-minute slots)"
        ));
    }
    Ok(minutes)
}

/// `HH:MM` of a cell boundary (`96` → `24:00`).
#[must_use]
pub fn cell_time(cell: usize) -> String {
    let minutes = cell * CELL_MINUTES as usize;
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn compile_periods(at: &str, periods: &[PeriodSpec], bands: &[(String, PricePerKwh)]) -> Result<[u8; CELLS], String> {
    let mut owner: [Option<usize>; CELLS] = [None; CELLS];
    let mut band_of = [0_u8; CELLS];
    for (i, p) in periods.iter().enumerate() {
        let pat = format!("{at}.periods[{i}]");
        let band = bands
            .iter()
            .position(|(name, _)| *name == p.band)
            .ok_or_else(|| format!("{pat}.band: '{}' has no price in bands", p.band))?;
        let from = parse_time(&format!("{pat}.from"), &p.from, false)? / CELL_MINUTES;
        let to = parse_time(&format!("{pat}.to"), &p.to, true)? / CELL_MINUTES;
        if from == to || (from == 0 && to == 0) {
            return Err(format!("{pat}: from and to are both {}; use 00:00-24:00 for the whole day", p.from));
        }
        let cells: Vec<usize> = if from < to {
            (from as usize..to as usize).collect()
        } else {
            (from as usize..CELLS).chain(0..to as usize).collect()
        };
        let mut clash: Option<(usize, usize, usize)> = None; // (other, first, last)
        for &c in &cells {
            if let Some(other) = owner[c] {
                clash = Some(match clash {
                    Some((o, first, _)) if o == other => (o, first, c),
                    Some(prev) => prev,
                    None => (other, c, c),
                });
            } else {
                owner[c] = Some(i);
                band_of[c] = band as u8;
            }
        }
        if let Some((other, first, last)) = clash {
            let o = &periods[other];
            return Err(format!(
                "{pat} ({} {}-{}) overlaps periods[{other}] ({} {}-{}) at {}-{}",
                p.band,
                p.from,
                p.to,
                o.band,
                o.from,
                o.to,
                cell_time(first),
                cell_time(last + 1)
            ));
        }
    }
    let gaps = uncovered_ranges(&owner);
    if !gaps.is_empty() {
        return Err(format!("{at}.periods: no period covers {}", gaps.join(", ")));
    }
    Ok(band_of)
}

/// Contiguous runs of unowned cells as `HH:MM-HH:MM`.
fn uncovered_ranges(owner: &[Option<usize>; CELLS]) -> Vec<String> {
    let mut gaps = Vec::new();
    let mut start: Option<usize> = None;
    for c in 0..=CELLS {
        let free = owner.get(c).is_some_and(Option::is_none);
        match (free, start) {
            (true, None) => start = Some(c),
            (false, Some(s)) => {
                gaps.push(format!("{}-{}", cell_time(s), cell_time(c)));
                start = None;
            }
            _ => {}
        }
    }
    gaps
}
