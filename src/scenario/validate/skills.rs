//! Checks of a multi-skill file: `[[call_type]]`, `[[agent_group]]` and `[routing]`, with the
//! same file:line:column problems as the rest of the file.

use super::{Checker, DEFAULT_TARGET, DEFAULT_THRESHOLD_S, Demand, Timeline};
use crate::model::ServiceLevelGoal;
use crate::model::balking::BalkingCurve;
use crate::model::callback::CallbackPolicy;
use crate::model::proactive::ProactivePolicy;
use crate::model::retrials::RetrialPolicy;
use crate::model::routing::MAX_TYPES_OR_GROUPS;
use crate::model::routing::{
    AgentGroup, AgentSelect, CallSelect, CallType, RoutingPolicy, Skill, SkillModel,
};
use crate::scenario::raw::{RawAgentGroup, RawCallType, RawRouting, RawScenario, S};
use std::ops::Range;

/// Highest rank a group may give a type.
const MAX_RANK: i64 = 1000;

/// The center's own `[balking]`, `[callback]`, `[retrials]` and `[proactive]`: what every
/// call type has unless it sets its own.
pub(super) struct Mechanisms<'m> {
    pub balking: &'m Option<BalkingCurve>,
    pub callback: &'m Option<CallbackPolicy>,
    pub retrials: &'m Option<RetrialPolicy>,
    pub proactive: &'m Option<ProactivePolicy>,
}

impl Checker<'_> {
    /// Each call type's mechanisms: its own section where it has one (`callback = { ... }` in
    /// its `[[call_type]]`), else the center's. Proactive agent calls of every type share one
    /// deadline (their needs become known that long ahead, in one stream of arrivals).
    pub(super) fn type_mechanisms(
        &mut self,
        types: &[S<RawCallType>],
        model: &mut SkillModel,
        center: Mechanisms,
        intervals: Option<usize>,
    ) {
        for (raw, ty) in types.iter().zip(&mut model.types) {
            let t = raw.get_ref();
            self.key_prefix = format!("call_type[{}].", t.name.get_ref());
            ty.balking = match &t.balking {
                Some(b) => self.balking(b),
                None => center.balking.clone(),
            };
            ty.callback = match &t.callback {
                Some(cb) => self.callback(cb),
                None => center.callback.clone(),
            };
            ty.retrials = match &t.retrials {
                Some(r) => self.retrials(r),
                None => center.retrials.clone(),
            };
            ty.proactive = match &t.proactive {
                Some(p) => self.proactive(p, intervals),
                None => center.proactive.clone(),
            };
            self.key_prefix.clear();
        }
        let mut deadlines = model
            .types
            .iter()
            .zip(types)
            .filter_map(|(ty, raw)| Some((ty.proactive.as_ref()?.deadline_s()?, raw)));
        if let Some((first, _)) = deadlines.next()
            && let Some((other, raw)) = deadlines.find(|(d, _)| *d != first)
        {
            let span = raw
                .get_ref()
                .proactive
                .as_ref()
                .map_or(raw.span(), |p| p.span());
            self.problem(
                span,
                &format!(
                    "call_type[{}].proactive.deadline",
                    raw.get_ref().name.get_ref()
                ),
                format!(
                    "proactive agent calls of every call type share one deadline: this type's \
                     is {other} s, another's {first} s"
                ),
            );
        }
    }

    /// The demand and staffing of a center with several call types and agent groups.
    pub(super) fn skill_demand(
        &mut self,
        raw: &RawScenario,
        types: &[S<RawCallType>],
        line: Option<&Timeline>,
        default_sl: Option<ServiceLevelGoal>,
    ) -> Option<Demand> {
        self.single_queue_sections_absent(raw);
        let busyness_cv = match raw.arrivals.as_ref().map(|a| a.get_ref()) {
            Some(a) => match &a.busyness_cv {
                Some(v) => self.bounded(v, "arrivals.busyness_cv", super::MAX_BUSYNESS_CV),
                None => Some(0.0),
            },
            None => Some(0.0),
        };
        let default_sl = default_sl.unwrap_or(ServiceLevelGoal {
            threshold_s: DEFAULT_THRESHOLD_S,
            target: DEFAULT_TARGET,
        });
        let names: Vec<String> = types
            .iter()
            .map(|t| t.get_ref().name.get_ref().clone())
            .collect();
        self.names_unique(
            types.iter().map(|t| &t.get_ref().name),
            "call_type",
            types.len(),
        );
        let call_types: Vec<Option<CallType>> = types
            .iter()
            .map(|t| self.call_type(t.get_ref(), line, default_sl))
            .collect();
        let groups: Vec<Option<AgentGroup>> = match &raw.agent_group {
            Some(groups) => {
                self.names_unique(
                    groups.iter().map(|g| &g.get_ref().name),
                    "agent_group",
                    groups.len(),
                );
                groups
                    .iter()
                    .map(|g| self.agent_group(g.get_ref(), &names, line))
                    .collect()
            }
            None => {
                self.problem(
                    0..0,
                    "agent_group",
                    "[[call_type]] sections need [[agent_group]] sections to answer them, such \
                     as [[agent_group]] name = \"billing\", staffing = { agents = 5 }, skills = \
                     { billing = 1 }",
                );
                Vec::new()
            }
        };
        let routing = match &raw.routing {
            Some(r) => self.routing(r.get_ref()),
            None => Some(RoutingPolicy::default()),
        };
        // every type needs a group, and one that stays for the callers left at close
        let built: Vec<&AgentGroup> = groups.iter().flatten().collect();
        if built.len() == groups.len() && !groups.is_empty() {
            for (t, raw_type) in types.iter().enumerate() {
                let name = raw_type.get_ref().name.span();
                let key = format!("call_type[{}]", names[t]);
                if !built.iter().any(|g| g.skill(t).is_some()) {
                    self.problem(
                        name,
                        &key,
                        format!(
                            "nobody can take call type \"{}\": add it to the skills of an \
                             [[agent_group]]",
                            names[t]
                        ),
                    );
                } else if !built.iter().any(|g| {
                    g.skill(t).is_some_and(|s| s.delay_s == 0.0) && g.agents.last() > Some(&0)
                }) {
                    self.problem(
                        name,
                        &key,
                        format!(
                            "callers of \"{}\" still waiting at close need agents: give a group \
                             that takes it without delay agents in the last interval",
                            names[t]
                        ),
                    );
                }
            }
        }
        let types: Vec<CallType> = call_types.into_iter().collect::<Option<_>>()?;
        let groups: Vec<AgentGroup> = groups.into_iter().collect::<Option<_>>()?;
        let (busyness_cv, routing) = (busyness_cv?, routing?);
        if groups.is_empty() {
            return None;
        }
        let intervals = line?.intervals;
        let arrival_rate = (0..intervals)
            .map(|k| types.iter().map(|t| t.arrival_rate[k]).sum())
            .collect();
        let agents = (0..intervals)
            .map(|k| groups.iter().map(|g| g.agents[k]).sum())
            .collect();
        Some(Demand {
            arrival_rate,
            busyness_cv,
            handle_time: types[0].handle_time.clone(),
            patience: types[0].patience.clone(),
            agents,
            skills: Some(SkillModel {
                types,
                groups,
                routing,
            }),
        })
    }

    /// With call types, the single-queue sections and the mechanisms not yet supported are
    /// problems.
    fn single_queue_sections_absent(&mut self, raw: &RawScenario) {
        let moved: [(&str, &str, Option<Range<usize>>); 3] = [
            (
                "handle_time",
                "call type",
                raw.handle_time.as_ref().map(|v| v.span()),
            ),
            (
                "patience",
                "call type",
                raw.patience.as_ref().map(|v| v.span()),
            ),
            (
                "staffing",
                "agent group",
                raw.staffing.as_ref().map(|v| v.span()),
            ),
        ];
        for (section, owner, span) in moved {
            if let Some(span) = span {
                self.problem(
                    span,
                    section,
                    format!(
                        "with [[call_type]] sections, each {owner} has its own {section}: move \
                         [{section}] into them"
                    ),
                );
            }
        }
        if let Some(a) = &raw.arrivals {
            let a = a.get_ref();
            for span in [
                a.calls_per_hour.as_ref().map(|v| v.span()),
                a.per_interval.as_ref().map(|v| v.span()),
            ]
            .into_iter()
            .flatten()
            {
                self.problem(
                    span,
                    "arrivals",
                    "with [[call_type]] sections, each call type has its own arrivals; the \
                     top-level [arrivals] may only hold busyness_cv (one busy-day factor shared \
                     by every type)",
                );
            }
        }
    }

    /// Names of `[[what]]` sections: at least one, at most [`MAX_TYPES_OR_GROUPS`], each
    /// non-empty and used once.
    fn names_unique<'n>(
        &mut self,
        names: impl Iterator<Item = &'n S<String>>,
        what: &str,
        count: usize,
    ) {
        let mut seen: Vec<&str> = Vec::new();
        for (i, name) in names.enumerate() {
            let text = name.get_ref().trim();
            if text.is_empty() {
                self.problem(name.span(), &format!("{what}.name"), "expected a name");
            } else if seen.contains(&text) {
                self.problem(
                    name.span(),
                    &format!("{what}.name"),
                    format!("\"{text}\" names two [[{what}]] sections; give each its own name"),
                );
            }
            seen.push(text);
            if i == MAX_TYPES_OR_GROUPS {
                self.problem(
                    name.span(),
                    what,
                    format!("at most {MAX_TYPES_OR_GROUPS} [[{what}]] sections, got {count}"),
                );
            }
        }
        if count == 0 {
            self.problem(
                0..0,
                what,
                format!("expected at least one [[{what}]] section"),
            );
        }
    }

    fn call_type(
        &mut self,
        t: &RawCallType,
        line: Option<&Timeline>,
        default_sl: ServiceLevelGoal,
    ) -> Option<CallType> {
        let key = format!("call_type[{}]", t.name.get_ref());
        let arrival_rate = self.arrivals(&t.arrivals, &format!("{key}.arrivals"), line);
        if let Some(cv) = &t.arrivals.get_ref().busyness_cv {
            self.problem(
                cv.span(),
                &format!("{key}.arrivals.busyness_cv"),
                "the busy-day factor is one per day, shared by every call type: set \
                 busyness_cv in the top-level [arrivals]",
            );
        }
        let handle_time = self
            .dist(&t.handle_time, &format!("{key}.handle_time"), false)
            .flatten();
        let patience = match &t.patience {
            Some(p) => self.dist(p, &format!("{key}.patience"), true),
            None => Some(None),
        };
        let service_level = self.service_level(
            t.service_level.as_ref(),
            &format!("{key}.service_level"),
            (default_sl.threshold_s, default_sl.target),
        );
        let weight = match &t.weight {
            Some(w) => self.positive(w, &format!("{key}.weight")),
            None => Some(1.0),
        };
        Some(CallType {
            name: t.name.get_ref().trim().to_string(),
            arrival_rate: arrival_rate?,
            handle_time: handle_time?,
            patience: patience?,
            service_level: service_level?,
            weight: weight?,
            balking: None,
            callback: None,
            retrials: None,
            proactive: None,
        })
    }

    /// A finite number > 0.
    fn positive(&mut self, value: &S<f64>, key: &str) -> Option<f64> {
        let v = *value.get_ref();
        if v.is_finite() && v > 0.0 {
            Some(v)
        } else {
            self.problem(value.span(), key, format!("expected a number > 0, got {v}"));
            None
        }
    }

    /// The index of call type `name`, or a problem naming the types there are.
    fn type_index(&mut self, name: &S<String>, key: &str, types: &[String]) -> Option<usize> {
        let found = types.iter().position(|t| t.trim() == name.get_ref().trim());
        if found.is_none() {
            self.problem(
                name.span(),
                key,
                format!(
                    "unknown call type \"{}\"; the [[call_type]] names are: {}",
                    name.get_ref(),
                    types.join(", ")
                ),
            );
        }
        found
    }

    fn agent_group(
        &mut self,
        g: &RawAgentGroup,
        types: &[String],
        line: Option<&Timeline>,
    ) -> Option<AgentGroup> {
        let key = format!("agent_group[{}]", g.name.get_ref());
        let agents = self.staffing(
            &g.staffing,
            &format!("{key}.staffing"),
            line.map(|l| l.intervals),
            true,
        );
        let skills_key = format!("{key}.skills");
        let mut skills: Vec<Option<Skill>> = Vec::new();
        for (name, rank) in g.skills.get_ref() {
            let t = self.type_index(name, &skills_key, types);
            let rank = self.whole(rank, &skills_key, 1..MAX_RANK + 1, "a rank (1 = primary)");
            skills.push(t.zip(rank).map(|(t, rank)| Skill {
                call_type: t,
                rank: rank as u32,
                delay_s: 0.0,
                handle_time_factor: 1.0,
            }));
        }
        if g.skills.get_ref().is_empty() {
            self.problem(
                g.skills.span(),
                &skills_key,
                "expected at least one call type this group takes, such as { billing = 1 }",
            );
        }
        let mut skills: Vec<Skill> = skills.into_iter().collect::<Option<_>>()?;
        // delays and handle-time factors name types of `skills`
        let delay_key = format!("{key}.delay");
        for (name, delay) in g.delay.iter().flat_map(|d| d.get_ref()) {
            let at = self.skill_of(&mut skills, name, &delay_key, types);
            if let Some(d) = self.duration(delay, &delay_key, false)
                && let Some(s) = at
            {
                s.delay_s = d;
            }
        }
        let factor_key = format!("{key}.handle_time_factor");
        for (name, factor) in g.handle_time_factor.iter().flat_map(|f| f.get_ref()) {
            let at = self.skill_of(&mut skills, name, &factor_key, types);
            if let Some(f) = self.positive(factor, &factor_key)
                && let Some(s) = at
            {
                s.handle_time_factor = f;
            }
        }
        skills.sort_by_key(|s| (s.rank, s.call_type));
        Some(AgentGroup {
            name: g.name.get_ref().trim().to_string(),
            agents: agents?,
            skills,
        })
    }

    /// The skill of type `name` in `skills`, or a problem: unknown type, or a type the group
    /// does not take.
    fn skill_of<'s>(
        &mut self,
        skills: &'s mut [Skill],
        name: &S<String>,
        key: &str,
        types: &[String],
    ) -> Option<&'s mut Skill> {
        let t = self.type_index(name, key, types)?;
        let found = skills.iter_mut().find(|s| s.call_type == t);
        if found.is_none() {
            self.problem(
                name.span(),
                key,
                format!(
                    "\"{}\" is not among this group's skills; add it to skills first",
                    name.get_ref()
                ),
            );
        }
        found
    }

    fn routing(&mut self, r: &RawRouting) -> Option<RoutingPolicy> {
        let mut policy = RoutingPolicy::default();
        let mut ok = true;
        if let Some(a) = &r.agent_select {
            match a.get_ref().as_str() {
                "longest_idle" => policy.agent_select = AgentSelect::LongestIdle,
                "most_free_group" => policy.agent_select = AgentSelect::MostFreeGroup,
                other => {
                    self.problem(
                        a.span(),
                        "routing.agent_select",
                        format!(
                            "expected \"longest_idle\" or \"most_free_group\", got \"{other}\""
                        ),
                    );
                    ok = false;
                }
            }
        }
        if let Some(c) = &r.call_select {
            match c.get_ref().as_str() {
                "oldest" => policy.call_select = CallSelect::Oldest,
                "longest_queue" => policy.call_select = CallSelect::LongestQueue,
                "weighted_wait" => policy.call_select = CallSelect::WeightedWait,
                other => {
                    self.problem(
                        c.span(),
                        "routing.call_select",
                        format!(
                            "expected \"oldest\", \"longest_queue\" or \"weighted_wait\", got \
                             \"{other}\""
                        ),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(policy)
    }
}
