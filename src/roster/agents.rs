//! The staff list of `callsim roster FILE --agents agents.csv`: the named people a week's
//! tours are given to, each with a contract, the agent group whose skills they have, the
//! times they cannot work and the start times they prefer.
//!
//! ```text
//! name,contract,group,unavailable,preferred
//! Ada,full-time,agents,Sat;Sun,early
//! Ben,part-time,agents,Wed 00:00-12:00,
//! Cleo,full-time,agents,,10:00-14:00
//! ```
//!
//! - `name`: unique, not empty.
//! - `contract`: one of the `[roster]` contracts (may be left empty when there is one).
//! - `group`: an `[[agent_group]]` name; or instead a `skills` column: the call types the
//!   person takes, `;`-separated, which must be exactly one group's skills. Both columns may
//!   be left out (or a cell empty) for a single queue, whose one group is `agents`.
//! - `unavailable` (optional): `;`-separated whole days (`Sat`) or hours of a day
//!   (`Wed 00:00-12:00`, end after start, `24:00` for midnight). No shift may touch them.
//! - `preferred` (optional): the start times of day the person prefers: `early` (05:00 to
//!   10:00), `day` (08:00 to 14:00), `late` (13:00 to 20:00), `night` (20:00 to 05:00) or a
//!   window `HH:MM-HH:MM` (one that ends before it starts runs past midnight). A shift
//!   starting outside it is a non-preferred start.
//!
//! Reading is strict: an unknown or repeated column, a missing required column, a value that
//! is not one of those forms, a repeated name, more than [`MAX_AGENTS`] rows or a file over
//! [`MAX_AGENTS_BYTES`] is an error naming the file, the line, the column and what was
//! expected.

use super::grid::DAY_S;
use super::tours::Contract;
use crate::units::{WEEKDAYS, parse_clock, weekday_index};
use std::path::Path;

/// Most people in a staff list: far above any one site's week (the assignment's time grows
/// with tours² × people), and a bound on the memory a hostile file can take.
pub const MAX_AGENTS: usize = 10_000;

/// Largest staff list, bytes (16 MiB: some 1,600 bytes a person at the row limit).
pub const MAX_AGENTS_BYTES: u64 = 16 * 1024 * 1024;

/// Longest text quoted back from the file in a message, characters.
const QUOTE_CHARS: usize = 60;

/// A problem with the staff list: the file, the line and column when known, and what was
/// expected (the one error of every CSV input file, shared with `callsim fit`'s).
pub type AgentsError = crate::fit::FitError;

/// An agent group as the staff list names it: its name and the call types it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupSkills {
    /// `[[agent_group]] name` (`agents` for a single queue).
    pub name: String,
    /// Names of the call types it takes, sorted.
    pub skills: Vec<String>,
}

/// Start times of day a person prefers: a clock window, which may run past midnight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StartWindow {
    /// First preferred start, seconds after midnight.
    pub from_s: f64,
    /// End of the window (exclusive), seconds after midnight; before `from_s` when the window
    /// runs past midnight.
    pub to_s: f64,
}

impl StartWindow {
    /// True when a shift starting at clock time `clock_s` (seconds after midnight) starts
    /// inside the window.
    pub fn contains(&self, clock_s: f64) -> bool {
        if self.from_s <= self.to_s {
            (self.from_s..self.to_s).contains(&clock_s)
        } else {
            clock_s >= self.from_s || clock_s < self.to_s
        }
    }
}

/// One person of the staff list.
#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    /// Their name, as written in `schedule.csv`.
    pub name: String,
    /// Their contract (index in the `[roster]` contracts).
    pub contract: usize,
    /// The agent group whose skills they have (index in the scenario's groups).
    pub group: usize,
    /// Times they cannot work: half-open windows in seconds of the week from Monday 00:00.
    pub unavailable: Vec<(f64, f64)>,
    /// Start times they prefer; `None`: any.
    pub preferred: Option<StartWindow>,
    /// Line of the file they are on.
    pub line: u64,
}

impl Agent {
    /// True when they can work in `[from_s, to_s)` (seconds of the week from Monday 00:00,
    /// within one week).
    pub fn available(&self, from_s: f64, to_s: f64) -> bool {
        self.unavailable
            .iter()
            .all(|&(a, b)| to_s <= a || from_s >= b)
    }
}

/// The columns a staff list may have.
const COLUMNS: [&str; 6] = [
    "name",
    "contract",
    "group",
    "skills",
    "unavailable",
    "preferred",
];

/// `text` as quoted back in a message: at most [`QUOTE_CHARS`] characters.
fn quote(text: &str) -> String {
    if text.chars().count() <= QUOTE_CHARS {
        format!("\"{text}\"")
    } else {
        let head: String = text.chars().take(QUOTE_CHARS).collect();
        format!("\"{head}…\"")
    }
}

/// Parses an `unavailable` cell: `;`-separated `Day` or `Day HH:MM-HH:MM`.
fn parse_unavailable(cell: &str) -> Result<Vec<(f64, f64)>, String> {
    let mut out = Vec::new();
    for item in cell.split(';').map(str::trim).filter(|i| !i.is_empty()) {
        let explain = || {
            format!(
                "expected whole days or hours of a day separated by `;`, such as \
                 \"Sat;Sun\" or \"Wed 00:00-12:00\", got {}",
                quote(item)
            )
        };
        let (day, hours) = match item.split_once(char::is_whitespace) {
            Some((d, h)) => (d, Some(h.trim())),
            None => (item, None),
        };
        let d = weekday_index(day).ok_or_else(explain)?;
        let base = d as f64 * DAY_S;
        let (from, to) = match hours {
            None => (0.0, DAY_S),
            Some(h) => {
                let (a, b) = h.split_once('-').ok_or_else(explain)?;
                let from = parse_clock(a).map_err(|e| format!("{}: {e}", quote(item)))?;
                let to = parse_clock(b).map_err(|e| format!("{}: {e}", quote(item)))?;
                if to <= from {
                    return Err(format!(
                        "{}: the end must be after the start (24:00 for midnight; a night \
                         is two items, e.g. \"Fri 22:00-24:00;Sat 00:00-06:00\")",
                        quote(item)
                    ));
                }
                (from, to)
            }
        };
        out.push((base + from, base + to));
    }
    Ok(out)
}

/// The named start windows of the `preferred` column.
const NAMED_WINDOWS: [(&str, f64, f64); 4] = [
    ("early", 5.0 * 3600.0, 10.0 * 3600.0),
    ("day", 8.0 * 3600.0, 14.0 * 3600.0),
    ("late", 13.0 * 3600.0, 20.0 * 3600.0),
    ("night", 20.0 * 3600.0, 5.0 * 3600.0),
];

/// Parses a `preferred` cell: empty, a named window or `HH:MM-HH:MM`.
fn parse_preferred(cell: &str) -> Result<Option<StartWindow>, String> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    if let Some(&(_, from_s, to_s)) = NAMED_WINDOWS
        .iter()
        .find(|(n, ..)| n.eq_ignore_ascii_case(cell))
    {
        return Ok(Some(StartWindow { from_s, to_s }));
    }
    let explain = || {
        format!(
            "expected early, day, late, night or a window of start times such as \
             \"07:00-10:00\", got {}",
            quote(cell)
        )
    };
    let (a, b) = cell.split_once('-').ok_or_else(explain)?;
    let from_s = parse_clock(a).map_err(|_| explain())?;
    let to_s = parse_clock(b).map_err(|_| explain())?;
    if from_s == to_s {
        return Err(format!(
            "{}: an empty window (leave the cell empty for any start)",
            quote(cell)
        ));
    }
    Ok(Some(StartWindow {
        from_s: from_s % DAY_S,
        to_s: to_s % DAY_S,
    }))
}

/// What a staff list is read against: the contracts and the agent groups.
#[derive(Debug, Clone, Copy)]
pub struct StaffContext<'a> {
    /// The `[roster]` contracts.
    pub contracts: &'a [Contract],
    /// The scenario's agent groups (a single queue: one, `agents`, with no skills named).
    pub groups: &'a [GroupSkills],
}

/// Reads the staff list `path` (at most [`MAX_AGENTS_BYTES`], [`MAX_AGENTS`] people).
pub fn read_agents(path: &Path, context: StaffContext) -> Result<Vec<Agent>, AgentsError> {
    let bytes = crate::input::read_limited(path, MAX_AGENTS_BYTES, "staff list")
        .map_err(|e| AgentsError::file(path, format!("cannot read it: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let byte = e.utf8_error().valid_up_to() + 1;
        AgentsError::file(path, format!("expected UTF-8 text; byte {byte} is not"))
    })?;
    parse_agents(path, &text, context)
}

/// Parses the text of a staff list read from `path`.
pub fn parse_agents(
    path: &Path,
    text: &str,
    context: StaffContext,
) -> Result<Vec<Agent>, AgentsError> {
    let error = |line: Option<u64>, column: Option<(usize, &str)>, message: String| AgentsError {
        path: path.to_path_buf(),
        line,
        column: column.map(|(c, n)| (c + 1, n.to_string())),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => {
            return Err(error(
                None,
                None,
                "the file is empty: expected a header `name,contract,group,unavailable,\
                 preferred` and one person per line"
                    .into(),
            ));
        }
        Some(r) => r.map_err(|e| error(Some(1), None, format!("cannot read the header: {e}")))?,
    };
    let mut columns: Vec<&str> = Vec::with_capacity(header.len());
    let mut at = [None::<usize>; COLUMNS.len()];
    for (i, name) in header.iter().enumerate() {
        let Some(c) = COLUMNS.iter().position(|&k| k.eq_ignore_ascii_case(name)) else {
            return Err(error(
                Some(1),
                Some((i, &quote(name))),
                format!(
                    "unknown column {}: expected {}",
                    quote(name),
                    COLUMNS.join(", ")
                ),
            ));
        };
        if at[c].replace(i).is_some() {
            return Err(error(
                Some(1),
                Some((i, COLUMNS[c])),
                format!("the column {} is given twice", COLUMNS[c]),
            ));
        }
        columns.push(COLUMNS[c]);
    }
    let [
        name_at,
        contract_at,
        group_at,
        skills_at,
        unavailable_at,
        preferred_at,
    ] = at;
    let Some(name_at) = name_at else {
        return Err(error(
            Some(1),
            None,
            "expected a `name` column (and `contract`, `group` or `skills`, `unavailable`, \
             `preferred`)"
                .into(),
        ));
    };
    if contract_at.is_none() && context.contracts.len() > 1 {
        return Err(error(
            Some(1),
            None,
            format!(
                "expected a `contract` column: the roster has {} contracts ({})",
                context.contracts.len(),
                contract_names(context.contracts)
            ),
        ));
    }
    if group_at.is_some() && skills_at.is_some() {
        return Err(error(
            Some(1),
            None,
            "give a `group` column or a `skills` column, not both".into(),
        ));
    }
    let mut agents: Vec<Agent> = Vec::new();
    let mut lines_of: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    for record in records {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line());
            error(line, None, format!("not a CSV row: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        if agents.len() == MAX_AGENTS {
            return Err(error(
                Some(line),
                None,
                format!("more than {MAX_AGENTS} people: split the staff list by site"),
            ));
        }
        if record.len() != columns.len() {
            return Err(error(
                Some(line),
                None,
                format!(
                    "expected {} cells as in the header, got {}",
                    columns.len(),
                    record.len()
                ),
            ));
        }
        let cell = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("");
        let field = |c: Option<usize>, name: &str, message: String| {
            error(Some(line), c.map(|c| (c, name)), message)
        };
        let name = cell(Some(name_at));
        if name.is_empty() {
            return Err(field(Some(name_at), "name", "expected a name".into()));
        }
        if name.chars().count() > 200 {
            return Err(field(
                Some(name_at),
                "name",
                "expected a name of at most 200 characters".into(),
            ));
        }
        if let Some(first) = lines_of.insert(name.to_string(), line) {
            return Err(field(
                Some(name_at),
                "name",
                format!(
                    "{} is already on line {first}: expected unique names",
                    quote(name)
                ),
            ));
        }
        let contract = find_contract(cell(contract_at), context.contracts)
            .map_err(|m| field(contract_at, "contract", m))?;
        let group = match skills_at {
            Some(s) => find_by_skills(cell(Some(s)), context.groups)
                .map_err(|m| field(Some(s), "skills", m))?,
            None => find_group(cell(group_at), context.groups)
                .map_err(|m| field(group_at, "group", m))?,
        };
        let unavailable = parse_unavailable(cell(unavailable_at))
            .map_err(|m| field(unavailable_at, "unavailable", m))?;
        let preferred =
            parse_preferred(cell(preferred_at)).map_err(|m| field(preferred_at, "preferred", m))?;
        agents.push(Agent {
            name: name.to_string(),
            contract,
            group,
            unavailable,
            preferred,
            line,
        });
    }
    if agents.is_empty() {
        return Err(error(
            None,
            None,
            "no people: expected one person per line after the header".into(),
        ));
    }
    Ok(agents)
}

/// The contracts' names, for messages.
fn contract_names(contracts: &[Contract]) -> String {
    contracts
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The contract named `cell` (empty: the only one).
fn find_contract(cell: &str, contracts: &[Contract]) -> Result<usize, String> {
    if cell.is_empty() && contracts.len() == 1 {
        return Ok(0);
    }
    contracts
        .iter()
        .position(|c| c.name == cell)
        .ok_or_else(|| {
            format!(
                "expected one of the roster's contracts ({}), got {}",
                contract_names(contracts),
                quote(cell)
            )
        })
}

/// The group named `cell` (empty: the only one).
fn find_group(cell: &str, groups: &[GroupSkills]) -> Result<usize, String> {
    if cell.is_empty() && groups.len() == 1 {
        return Ok(0);
    }
    groups.iter().position(|g| g.name == cell).ok_or_else(|| {
        let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
        format!(
            "expected one of the agent groups ({}), got {}",
            names.join(", "),
            quote(cell)
        )
    })
}

/// The group whose skills are exactly the `;`-separated call types of `cell`.
fn find_by_skills(cell: &str, groups: &[GroupSkills]) -> Result<usize, String> {
    if cell.is_empty() && groups.len() == 1 {
        return Ok(0);
    }
    let mut skills: Vec<&str> = cell
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    skills.sort_unstable();
    skills.dedup();
    let matching: Vec<usize> = (0..groups.len())
        .filter(|&g| {
            groups[g]
                .skills
                .iter()
                .map(String::as_str)
                .eq(skills.iter().copied())
        })
        .collect();
    match matching[..] {
        [g] => Ok(g),
        [] => {
            let sets: Vec<String> = groups
                .iter()
                .map(|g| format!("{}: {}", g.name, g.skills.join(";")))
                .collect();
            Err(format!(
                "expected the skills of one agent group ({}), got {}",
                sets.join(", "),
                quote(cell)
            ))
        }
        _ => {
            let names: Vec<&str> = matching.iter().map(|&g| groups[g].name.as_str()).collect();
            Err(format!(
                "{} are the skills of several agent groups ({}): give a `group` column \
                 instead",
                quote(cell),
                names.join(", ")
            ))
        }
    }
}

/// The weekday and clock window of a week-second window, as people read it (`Sat`,
/// `Wed 00:00-12:00`).
pub fn describe_window((from, to): (f64, f64)) -> String {
    let d = ((from / DAY_S).floor() as usize).min(6);
    let base = d as f64 * DAY_S;
    if from == base && to == base + DAY_S {
        return WEEKDAYS[d].to_string();
    }
    format!(
        "{} {}-{}",
        WEEKDAYS[d],
        crate::units::format_clock(from - base),
        crate::units::format_clock(to - base)
    )
}

/// The agent groups of `scenario` as a staff list names them: each group's name and the call
/// types it takes (a single queue: `agents`, no call type named).
pub fn group_skills(scenario: &crate::model::Scenario) -> Vec<GroupSkills> {
    let Some(model) = &scenario.skills else {
        return vec![GroupSkills {
            name: "agents".into(),
            skills: Vec::new(),
        }];
    };
    model
        .groups
        .iter()
        .map(|group| {
            let mut skills: Vec<String> = group
                .skills
                .iter()
                .filter_map(|s| model.types.get(s.call_type).map(|t| t.name.clone()))
                .collect();
            skills.sort();
            GroupSkills {
                name: group.name.clone(),
                skills,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contracts() -> Vec<Contract> {
        ["full-time", "part-time"]
            .iter()
            .map(|n| Contract {
                name: n.to_string(),
                days_min: 3,
                days_max: 5,
                hours_min: 20.0,
                hours_max: 40.0,
            })
            .collect()
    }

    fn groups() -> Vec<GroupSkills> {
        vec![
            GroupSkills {
                name: "billing-team".into(),
                skills: vec!["billing".into()],
            },
            GroupSkills {
                name: "generalists".into(),
                skills: vec!["billing".into(), "technical".into()],
            },
        ]
    }

    fn parse(text: &str) -> Result<Vec<Agent>, AgentsError> {
        let (c, g) = (contracts(), groups());
        let context = StaffContext {
            contracts: &c,
            groups: &g,
        };
        parse_agents(Path::new("agents.csv"), text, context)
    }

    #[test]
    fn a_staff_list_is_read_with_groups_or_skills() {
        let agents = parse(
            "name,contract,group,unavailable,preferred\n\
             Ada,full-time,generalists,Sat;Sun,early\n\
             Ben,part-time,billing-team,Wed 00:00-12:00,22:00-02:00\n",
        )
        .unwrap();
        assert_eq!(agents.len(), 2);
        assert_eq!((agents[0].contract, agents[0].group), (0, 1));
        assert_eq!(
            agents[0].unavailable,
            [(5.0 * DAY_S, 6.0 * DAY_S), (6.0 * DAY_S, 7.0 * DAY_S)]
        );
        assert!(agents[0].preferred.unwrap().contains(6.0 * 3600.0));
        assert!(!agents[0].preferred.unwrap().contains(10.0 * 3600.0));
        let night = agents[1].preferred.unwrap();
        assert!(night.contains(23.0 * 3600.0) && night.contains(3600.0));
        assert!(!night.contains(12.0 * 3600.0));
        assert!(!agents[1].available(2.0 * DAY_S + 11.0 * 3600.0, 2.0 * DAY_S + 13.0 * 3600.0));
        assert!(agents[1].available(2.0 * DAY_S + 12.0 * 3600.0, 2.0 * DAY_S + 20.0 * 3600.0));
        assert_eq!(describe_window(agents[1].unavailable[0]), "Wed 00:00-12:00");
        assert_eq!(describe_window(agents[0].unavailable[0]), "Sat");
        let by_skills =
            parse("name,contract,skills\nCy,full-time,technical; billing\nDi,part-time,billing\n")
                .unwrap();
        assert_eq!((by_skills[0].group, by_skills[1].group), (1, 0));
        let mut twins = groups();
        twins[1].skills = vec!["billing".into()];
        let context = StaffContext {
            contracts: &contracts(),
            groups: &twins,
        };
        let e = parse_agents(
            Path::new("a.csv"),
            "name,contract,skills\nA,,billing\n",
            context,
        );
        assert!(e.is_err());
        let e = parse_agents(
            Path::new("a.csv"),
            "name,contract,skills\nA,full-time,billing\n",
            context,
        )
        .unwrap_err();
        assert!(
            e.message
                .contains("several agent groups (billing-team, generalists)"),
            "{e}"
        );
    }

    #[test]
    fn bad_staff_lists_name_the_line_column_and_what_was_expected() {
        let cases = [
            ("", "the file is empty"),
            (
                "name,contract,team\n",
                "agents.csv:1: column 3 (\"team\"): unknown column",
            ),
            (
                "name,contract,name\n",
                "column 3 (name): the column name is given twice",
            ),
            (
                "contract,group\nfull-time,generalists\n",
                "expected a `name` column",
            ),
            (
                "name,group\nA,generalists\n",
                "expected a `contract` column",
            ),
            ("name,contract,group\n", "no people"),
            (
                "name,contract,group\nA,full,generalists\n",
                "agents.csv:2: column 2 (contract)",
            ),
            (
                "name,contract,group\nA,full-time,x\n",
                "column 3 (group): expected one of",
            ),
            (
                "name,contract,skills\nA,full-time,technical\n",
                "column 3 (skills)",
            ),
            (
                "name,contract,group\nA,full-time\n",
                "agents.csv:2: expected 3 cells",
            ),
            (
                "name,contract,group\nA,full-time,generalists\nA,part-time,generalists\n",
                "agents.csv:3: column 1 (name): \"A\" is already on line 2",
            ),
            (
                "name,contract,group,unavailable\nA,full-time,generalists,Sat 12:00\n",
                "column 4 (unavailable): expected whole days",
            ),
            (
                "name,contract,group,unavailable\nA,full-time,generalists,Funday\n",
                "expected whole days",
            ),
            (
                "name,contract,group,unavailable\nA,full-time,generalists,Mon 12:00-08:00\n",
                "the end must be after the start",
            ),
            (
                "name,contract,group,unavailable\nA,full-time,generalists,Mon 25:00-26:00\n",
                "expected a clock time",
            ),
            (
                "name,contract,group,preferred\nA,full-time,generalists,soon\n",
                "column 4 (preferred): expected early, day, late, night",
            ),
            (
                "name,contract,group,preferred\nA,full-time,generalists,08:00-08:00\n",
                "an empty window",
            ),
            (
                "name,contract,group\n,full-time,generalists\n",
                "expected a name",
            ),
            ("name,contract,group,skills\n", "not both"),
        ];
        for (text, expected) in cases {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.starts_with("agents.csv"), "{text:?}: {e}");
            assert!(e.contains(expected), "{text:?}: {e}");
        }
        let long = format!("name,contract,group\n{},full-time,x\n", "y".repeat(10_000));
        assert!(parse(&long).unwrap_err().to_string().len() < 1_000);
    }

    #[test]
    fn more_people_than_the_limit_is_an_error_naming_the_line() {
        let mut text = String::from("name,contract,group\n");
        for i in 0..=MAX_AGENTS {
            text.push_str(&format!("p{i},full-time,generalists\n"));
        }
        let e = parse(&text).unwrap_err();
        assert_eq!(e.line, Some(MAX_AGENTS as u64 + 2));
        assert!(e.message.contains("more than 10000 people"), "{e}");
    }
}
