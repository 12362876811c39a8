//! How calls meet agents: the part of the event loop that differs between one queue and a
//! multi-skill center.
//!
//! The event loop ([`crate::model::replication`]) is generic over a [`Router`]: it owns the
//! waiting lines (one per call type) and the agents (one pool per group), and answers the two
//! routing questions — which group's free agent takes an arriving call, and which waiting call
//! a freed agent takes. [`OneQueue`] is one type and one group with nothing to choose: every
//! answer is a constant the compiler folds away, so the single queue pays nothing for skills.
//! [`Skills`] routes by rank, delay and the tie-breaking policy of [`RoutingPolicy`].
//!
//! Routing never looks at every agent or every queue: an arriving call looks only at the
//! groups that take its type, best rank first, and stops at the first rank with a free agent;
//! a freed agent looks only at the queues of its group's types, best rank first, and only at
//! each queue's head (the oldest call of a type is the first to become eligible). A group that
//! takes a type after a delay learns of each call through a calendar event at arrival + delay.
//!
//! [`RoutingPolicy`]: super::RoutingPolicy

use super::config::{AgentGroup, AgentSelect, CallSelect, CallType, RoutingPolicy, SkillModel};
use super::group::IdleAgents;
use super::mix::TypeMix;
use super::table::Table;
use crate::engine::StreamRng;
use crate::model::agents::AgentPool;
use crate::model::config::Scenario;
use crate::model::queue::{Caller, WaitingLine};

/// The lines and agents of one replication, and the routing between them. Call types and
/// agent groups are numbered in file order (0 for the single queue's only ones).
pub(crate) trait Router {
    /// True when there are call types and groups to report on one by one (per-type and
    /// per-group tallies, the handled matrix, routing events for observers).
    const TYPED: bool;

    /// Number of call types.
    fn types(&self) -> usize;
    /// Number of agent groups.
    fn groups(&self) -> usize;
    /// Call type `ty`.
    fn call_type(&self, ty: usize) -> &CallType;
    /// True when the call-type mix differs between intervals: drawing a call's type then
    /// needs the interval it arrives in.
    fn mix_varies(&self) -> bool;
    /// The type of a call arriving in interval `k` (the warm-up counts as interval 0; always
    /// 0 when the mix never [varies](Router::mix_varies)).
    fn draw_type(&self, k: usize, rng: &mut StreamRng) -> usize;
    /// The line of call type `ty`.
    fn line(&self, ty: usize) -> &WaitingLine;
    /// A caller of type `ty` joins the end of their type's line; their ticket.
    fn join(&mut self, ty: usize, caller: Caller) -> u64;
    /// The caller at the head of type `ty`'s line leaves it to talk to an agent.
    fn take_first(&mut self, ty: usize) -> Option<Caller>;
    /// The caller of type `ty` holding `ticket` hangs up, if still in line (see
    /// [`WaitingLine::leave`]).
    fn leave(&mut self, ty: usize, ticket: u64) -> Option<Caller>;
    /// The agents of group `g`.
    fn pool(&self, g: usize) -> &AgentPool;
    /// An agent of group `g` takes a call; false when none is free.
    fn seize(&mut self, g: usize) -> bool;
    /// An agent of group `g` ends a call at `t`; true when they go straight on to a waiting
    /// call (`call_waiting`).
    fn end_call(&mut self, g: usize, t: f64, call_waiting: bool) -> bool;
    /// Staffing of interval `interval` takes over at `t`.
    fn set_staffing(&mut self, t: f64, interval: usize);
    /// Closing time for group `g`: its free agents go home; busy ones finish the callers left.
    fn close(&mut self, g: usize);
    /// A free agent of the group that takes an arriving call of type `ty` at once is seized;
    /// that group, or `None` when no such agent is free.
    fn seize_free(&mut self, ty: usize) -> Option<usize>;
    /// Delays after which more groups take a waiting call of type `ty` (seconds, increasing).
    fn delays(&self, ty: usize) -> &[(f64, Vec<Route>)];
    /// As [`Router::seize_free`], for a call of type `ty` that has waited past delay level
    /// `level`.
    fn seize_free_after(&mut self, ty: usize, level: usize) -> Option<usize>;
    /// The type whose head call an agent of group `g` takes at `t`, if any is eligible.
    fn next_type(&self, g: usize, t: f64) -> Option<usize>;
    /// Talk time of group `g` on type `ty` ÷ the type's drawn handle time.
    fn handle_time_factor(&self, g: usize, ty: usize) -> f64;
    /// The types group `g` takes, best rank first.
    fn skill_types(&self, g: usize) -> impl Iterator<Item = usize>;
    /// Agents present in the groups that take type `ty` (for the announced wait).
    fn agents_for(&self, ty: usize) -> u32;
    /// Agents on a call over all groups.
    fn busy(&self) -> u32;
}

/// A group that may take a type, as the router sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Route {
    group: usize,
    rank: u32,
}

impl Route {
    /// The group this route leads to.
    pub(crate) fn group(&self) -> usize {
        self.group
    }
}

/// The groups of one set of skills that may take a type, at their rank: an arriving call
/// looks at their [free agents](IdleAgents) together.
#[derive(Debug, Clone, Copy)]
struct ClassRoute {
    class: usize,
    rank: u32,
}

/// A call type a group takes, as the group's freed agents look at it.
#[derive(Debug, Clone, Copy)]
struct SkillRoute {
    ty: usize,
    rank: u32,
    delay_s: f64,
}

/// One first-come-first-served line served by one pool of agents.
pub(crate) struct OneQueue<'a> {
    only: &'a CallType,
    agents: &'a [u32],
    line: WaitingLine,
    pool: AgentPool,
}

impl<'a> OneQueue<'a> {
    /// The single queue of `model` (one type, one group).
    pub(crate) fn new(model: &'a SkillModel) -> Self {
        let agents = &model.groups[0].agents;
        let mut pool = AgentPool::default();
        pool.set_target(agents[0]);
        OneQueue {
            only: &model.types[0],
            agents,
            line: WaitingLine::with_capacity(agents[0] as usize + 64),
            pool,
        }
    }
}

impl Router for OneQueue<'_> {
    const TYPED: bool = false;

    #[inline]
    fn types(&self) -> usize {
        1
    }
    #[inline]
    fn groups(&self) -> usize {
        1
    }
    #[inline]
    fn call_type(&self, _ty: usize) -> &CallType {
        self.only
    }
    fn mix_varies(&self) -> bool {
        false
    }
    #[inline]
    fn draw_type(&self, _k: usize, _rng: &mut StreamRng) -> usize {
        0
    }
    #[inline]
    fn line(&self, _ty: usize) -> &WaitingLine {
        &self.line
    }
    #[inline]
    fn join(&mut self, _ty: usize, caller: Caller) -> u64 {
        self.line.join(caller)
    }
    #[inline]
    fn take_first(&mut self, _ty: usize) -> Option<Caller> {
        self.line.take_first()
    }
    #[inline]
    fn leave(&mut self, _ty: usize, ticket: u64) -> Option<Caller> {
        self.line.leave(ticket)
    }
    #[inline]
    fn pool(&self, _g: usize) -> &AgentPool {
        &self.pool
    }
    #[inline]
    fn seize(&mut self, _g: usize) -> bool {
        self.pool.seize()
    }
    #[inline]
    fn end_call(&mut self, _g: usize, _t: f64, call_waiting: bool) -> bool {
        self.pool.end_call(call_waiting)
    }
    fn set_staffing(&mut self, _t: f64, interval: usize) {
        self.pool.set_target(self.agents[interval]);
    }
    fn close(&mut self, _g: usize) {
        self.pool.close();
    }
    #[inline]
    fn seize_free(&mut self, _ty: usize) -> Option<usize> {
        self.pool.seize().then_some(0)
    }
    #[inline]
    fn delays(&self, _ty: usize) -> &[(f64, Vec<Route>)] {
        &[]
    }
    #[inline]
    fn seize_free_after(&mut self, _ty: usize, _level: usize) -> Option<usize> {
        None
    }
    #[inline]
    fn next_type(&self, _g: usize, _t: f64) -> Option<usize> {
        (!self.line.is_empty()).then_some(0)
    }
    #[inline]
    fn handle_time_factor(&self, _g: usize, _ty: usize) -> f64 {
        1.0
    }
    #[inline]
    fn skill_types(&self, _g: usize) -> impl Iterator<Item = usize> {
        std::iter::once(0)
    }
    #[inline]
    fn agents_for(&self, _ty: usize) -> u32 {
        self.pool.present()
    }
    #[inline]
    fn busy(&self) -> u32 {
        self.pool.busy()
    }
}

/// Call types routed to skilled agent groups.
pub(crate) struct Skills<'a> {
    model: &'a SkillModel,
    /// The call types of `model` (at hand: read several times per call).
    types: Table<&'a CallType>,
    /// Per type: the classes of groups taking it at once, best rank first.
    immediate: Table<Vec<ClassRoute>>,
    /// Per type: (delay in seconds, groups taking it after that delay, best rank first), by
    /// increasing delay.
    delayed: Table<Vec<(f64, Vec<Route>)>>,
    /// Per type and delay level (as in `delayed`): the classes of the level's groups.
    delayed_classes: Table<Vec<Vec<ClassRoute>>>,
    /// The type of each arriving call.
    mix: TypeMix,
    /// Per group: the types it takes with their rank and delay, best rank first (as in
    /// [`AgentGroup::skills`](super::AgentGroup)).
    skills: Table<Vec<SkillRoute>>,
    /// The tie-breaking policy (copied from the model: read at every routing decision).
    policy: RoutingPolicy,
    /// Talk time of group `g` on type `ty` ÷ the drawn handle time, at `g * types + ty` (1
    /// where the group lacks the skill): one look-up per answered call, not a search. Empty
    /// when every factor is 1.
    handle_time_factor: Vec<f64>,
    lines: Table<WaitingLine>,
    /// The types whose lines hold someone: a freed agent whose group takes none of them has
    /// nothing to look at.
    waiting: WaitingTypes,
    /// Per group: the [mask](WaitingTypes::mask) of the types it takes.
    group_bits: Table<u64>,
    /// Per group: its staffed, free and busy agents.
    groups: Table<AgentPool>,
    /// Per group: its class, the groups whose free agents wait in one [`IdleAgents`] order.
    /// With `agent_select = "longest_idle"` the groups of the same skills (types, ranks and
    /// delays) are one class: the front of their order is the agent the policy takes among
    /// them. Otherwise each group is a class of its own.
    class_of: Table<usize>,
    /// Per class: its free agents, longest idle first.
    idle: Table<IdleAgents>,
}

/// The call types whose lines hold someone, as one word: bit `ty` for types 0 to 62, and bit
/// 63 for all the types from 63 on together (set while any of them holds someone, so that a
/// group's test may say "perhaps" but never a wrong "no").
#[derive(Debug, Default, Clone, Copy)]
struct WaitingTypes {
    bits: u64,
    /// Types from 63 on whose lines hold someone.
    high: u32,
}

impl WaitingTypes {
    /// The bit of type `ty`.
    #[inline(always)]
    fn bit(ty: usize) -> u64 {
        1 << ty.min(63)
    }

    /// The mask of `types`, to test with [`WaitingTypes::any`].
    fn mask(types: impl Iterator<Item = usize>) -> u64 {
        types.fold(0, |bits, ty| bits | Self::bit(ty))
    }

    /// The line of type `ty`, empty until now, holds someone.
    #[inline(always)]
    fn filled(&mut self, ty: usize) {
        self.bits |= Self::bit(ty);
        self.high += u32::from(ty >= 63);
    }

    /// The line of type `ty`, which held someone, is empty.
    #[inline(always)]
    fn emptied(&mut self, ty: usize) {
        if ty >= 63 {
            self.high -= 1;
            if self.high > 0 {
                return;
            }
        }
        self.bits &= !Self::bit(ty);
    }

    /// False when no type of `mask` has anyone in line.
    #[inline(always)]
    fn any(&self, mask: u64) -> bool {
        self.bits & mask != 0
    }
}

/// Per group of `model`: its class (see [`Skills::class_of`]), numbered from 0 in the order
/// of each class's first group.
fn classes(model: &SkillModel) -> Vec<usize> {
    let routing = |g: &AgentGroup| -> Vec<(usize, u32, u64)> {
        let skills = g.skills.iter();
        skills
            .map(|s| (s.call_type, s.rank, s.delay_s.to_bits()))
            .collect()
    };
    let mut firsts: Vec<usize> = Vec::new(); // per class, its first group
    model
        .groups
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let same = match model.routing.agent_select {
                AgentSelect::LongestIdle => firsts
                    .iter()
                    .position(|&f| routing(&model.groups[f]) == routing(group)),
                AgentSelect::MostFreeGroup => None,
            };
            same.unwrap_or_else(|| {
                firsts.push(g);
                firsts.len() - 1
            })
        })
        .collect()
}

impl<'a> Skills<'a> {
    /// The routing tables of `model` and its lines and groups at the start of `scenario`.
    pub(crate) fn new(scenario: &Scenario, model: &'a SkillModel) -> Self {
        Self::with_classes(scenario, model, classes(model))
    }

    /// As [`Skills::new`], each group a class of its own: the routing the classes must
    /// reproduce exactly (for tests).
    #[cfg(test)]
    pub(crate) fn unmerged(scenario: &Scenario, model: &'a SkillModel) -> Self {
        Self::with_classes(scenario, model, (0..model.groups.len()).collect())
    }

    /// As [`Skills::new`], the groups' classes `class_of` (numbered from 0 in the order of
    /// each class's first group).
    fn with_classes(scenario: &Scenario, model: &'a SkillModel, class_of: Vec<usize>) -> Self {
        let n_types = model.types.len();
        let mut immediate = vec![Vec::new(); n_types];
        let mut delayed: Vec<Vec<(f64, Vec<Route>)>> = vec![Vec::new(); n_types];
        for (g, group) in model.groups.iter().enumerate() {
            for s in &group.skills {
                let route = Route {
                    group: g,
                    rank: s.rank,
                };
                if s.delay_s == 0.0 {
                    immediate[s.call_type].push(route);
                } else {
                    let levels = &mut delayed[s.call_type];
                    match levels.iter_mut().find(|(d, _)| *d == s.delay_s) {
                        Some((_, routes)) => routes.push(route),
                        None => levels.push((s.delay_s, vec![route])),
                    }
                }
            }
        }
        // stable sorts: equal ranks stay in file order
        for routes in &mut immediate {
            routes.sort_by_key(|r| r.rank);
        }
        for levels in &mut delayed {
            levels.sort_by(|a, b| a.0.total_cmp(&b.0));
            for (_, routes) in levels.iter_mut() {
                routes.sort_by_key(|r| r.rank);
            }
        }
        let rates: Vec<&[f64]> = model.types.iter().map(|t| &t.arrival_rate[..]).collect();
        let mix = TypeMix::new(&rates, scenario.intervals());
        let mut handle_time_factor: Vec<f64> = model
            .groups
            .iter()
            .flat_map(|g| (0..n_types).map(|ty| g.skill(ty).map_or(1.0, |s| s.handle_time_factor)))
            .collect();
        if handle_time_factor.iter().all(|&f| f == 1.0) {
            handle_time_factor = Vec::new();
        }
        let first_total: u32 = model.groups.iter().map(|g| g.agents[0]).sum();
        let n_classes = class_of.iter().max().map_or(0, |&c| c + 1);
        let idle: Vec<IdleAgents> = (0..n_classes)
            .map(|c| {
                let most: u32 = (model.groups.iter().zip(&class_of))
                    .filter(|&(_, &of)| of == c)
                    .map(|(g, _)| g.agents.iter().copied().max().unwrap_or(0))
                    .sum();
                IdleAgents::with_capacity(most as usize)
            })
            .collect();
        let to_classes = |routes: &[Route]| {
            let mut by_class: Vec<ClassRoute> = Vec::new();
            for r in routes {
                let class = class_of[r.group];
                if !by_class.iter().any(|c| c.class == class) {
                    by_class.push(ClassRoute {
                        class,
                        rank: r.rank,
                    });
                }
            }
            by_class
        };
        let immediate: Vec<Vec<ClassRoute>> = immediate.iter().map(|r| to_classes(r)).collect();
        let delayed_classes: Vec<Vec<Vec<ClassRoute>>> = delayed
            .iter()
            .map(|levels| levels.iter().map(|(_, r)| to_classes(r)).collect())
            .collect();
        let skills = Table::new(
            model.groups.iter().map(|g| {
                g.skills
                    .iter()
                    .map(|s| SkillRoute {
                        ty: s.call_type,
                        rank: s.rank,
                        delay_s: s.delay_s,
                    })
                    .collect()
            }),
            Vec::new,
        );
        let group_bits = Table::new(
            model
                .groups
                .iter()
                .map(|g| WaitingTypes::mask(g.skills.iter().map(|s| s.call_type))),
            || 0,
        );
        let mut router = Skills {
            model,
            types: Table::new(&model.types, || &model.types[0]),
            waiting: WaitingTypes::default(),
            group_bits,
            skills,
            immediate: Table::new(immediate, Vec::new),
            delayed: Table::new(delayed, Vec::new),
            delayed_classes: Table::new(delayed_classes, Vec::new),
            mix,
            policy: model.routing,
            handle_time_factor,
            lines: Table::new(
                (0..n_types).map(|_| WaitingLine::with_capacity(first_total as usize + 64)),
                || WaitingLine::with_capacity(0),
            ),
            groups: Table::new(
                model.groups.iter().map(|_| AgentPool::default()),
                AgentPool::default,
            ),
            class_of: Table::new(class_of, || 0),
            idle: Table::new(idle, || IdleAgents::with_capacity(0)),
        };
        // the first interval's agents, idle from the start
        router.set_staffing(0.0, 0);
        router
    }

    /// A caller of type `ty` has left the line: notes when it is now empty.
    #[inline(always)]
    fn left(&mut self, ty: usize) {
        if self.lines[ty].is_empty() {
            self.waiting.emptied(ty);
        }
    }

    /// Among `routes` (best rank first), the class of the best rank with a free agent, ties
    /// broken by `agent_select`; stops at the first rank that has one.
    #[inline(always)]
    fn best_free(&self, routes: &[ClassRoute]) -> Option<usize> {
        let mut rest = routes.iter();
        let first = rest.find(|r| self.idle[r.class].len() > 0)?;
        let (mut best, rank) = (first.class, first.rank);
        let select = self.policy.agent_select;
        for r in rest.take_while(|r| r.rank == rank) {
            let (candidate, incumbent) = (&self.idle[r.class], &self.idle[best]);
            let better = match select {
                AgentSelect::LongestIdle => candidate.front_before(incumbent),
                AgentSelect::MostFreeGroup => candidate.len() > incumbent.len(),
            };
            if better {
                best = r.class;
            }
        }
        Some(best)
    }

    /// The front agent of class `class` (one with a free agent) takes a call: their group.
    #[inline(always)]
    fn seize_front(&mut self, class: usize) -> Option<usize> {
        let g = self.idle[class].pop_front()?;
        let seized = self.groups[g].seize();
        debug_assert!(
            seized,
            "an agent in the idle order of class {class} is free"
        );
        Some(g)
    }

    /// The type of the eligible head call that group `g` takes at `t`: the best rank first,
    /// then the largest `key` (of the line, its head's arrival and its type), the first on a
    /// tie.
    #[inline(always)]
    fn best_head(
        &self,
        g: usize,
        t: f64,
        key: impl Fn(&WaitingLine, f64, usize) -> f64,
    ) -> Option<usize> {
        let mut best: Option<(usize, u32, f64)> = None; // (type, rank, key: larger is better)
        for s in &self.skills[g] {
            if let Some((_, rank, _)) = best
                && s.rank > rank
            {
                break;
            }
            let line = &self.lines[s.ty];
            // an empty line's head arrives at infinity: never eligible
            let arrival = line.head_arrival();
            if arrival + s.delay_s > t {
                continue;
            }
            let key = key(line, arrival, s.ty);
            if best.is_none_or(|(_, _, b)| key > b) {
                best = Some((s.ty, s.rank, key));
            }
        }
        best.map(|(ty, _, _)| ty)
    }
}

impl Router for Skills<'_> {
    const TYPED: bool = true;

    #[inline]
    fn types(&self) -> usize {
        self.model.types.len()
    }
    #[inline]
    fn groups(&self) -> usize {
        self.model.groups.len()
    }
    #[inline]
    fn call_type(&self, ty: usize) -> &CallType {
        self.types[ty]
    }
    fn mix_varies(&self) -> bool {
        self.mix.varies()
    }
    #[inline(always)]
    fn draw_type(&self, k: usize, rng: &mut StreamRng) -> usize {
        self.mix.draw(k, rng)
    }
    #[inline]
    fn line(&self, ty: usize) -> &WaitingLine {
        &self.lines[ty]
    }
    #[inline]
    fn join(&mut self, ty: usize, caller: Caller) -> u64 {
        let line = &mut self.lines[ty];
        if line.is_empty() {
            self.waiting.filled(ty);
        }
        line.join(caller)
    }
    #[inline(always)]
    fn take_first(&mut self, ty: usize) -> Option<Caller> {
        let caller = self.lines[ty].take_first()?;
        self.left(ty);
        Some(caller)
    }
    #[inline(always)]
    fn leave(&mut self, ty: usize, ticket: u64) -> Option<Caller> {
        let caller = self.lines[ty].leave(ticket)?;
        self.left(ty);
        Some(caller)
    }
    #[inline]
    fn pool(&self, g: usize) -> &AgentPool {
        &self.groups[g]
    }
    #[inline]
    fn seize(&mut self, g: usize) -> bool {
        if !self.groups[g].seize() {
            return false;
        }
        let taken = self.idle[self.class_of[g]].take_first_of(g);
        debug_assert!(
            taken,
            "a free agent of group {g} is in its class's idle order"
        );
        true
    }
    #[inline]
    fn end_call(&mut self, g: usize, t: f64, call_waiting: bool) -> bool {
        let pool = &mut self.groups[g];
        let free = pool.free();
        let takes_next = pool.end_call(call_waiting);
        // the free agents are one more (this one, idle from `t`) or as many as before
        if pool.free() > free {
            self.idle[self.class_of[g]].push(t, g);
        }
        takes_next
    }
    fn set_staffing(&mut self, t: f64, interval: usize) {
        for (g, group) in self.model.groups.iter().enumerate() {
            let pool = &mut self.groups[g];
            let before = pool.free() as usize;
            pool.set_target(group.agents[interval]);
            let free = pool.free() as usize;
            // arriving agents are idle from `t`; leaving free agents are the most recently
            // idle ones
            let idle = &mut self.idle[self.class_of[g]];
            for _ in before..free {
                idle.push(t, g);
            }
            if free < before {
                idle.keep_of(g, free);
            }
        }
    }
    fn close(&mut self, g: usize) {
        self.groups[g].close();
        self.idle[self.class_of[g]].keep_of(g, 0);
    }
    #[inline(always)]
    fn seize_free(&mut self, ty: usize) -> Option<usize> {
        let class = self.best_free(&self.immediate[ty])?;
        self.seize_front(class)
    }
    #[inline]
    fn delays(&self, ty: usize) -> &[(f64, Vec<Route>)] {
        &self.delayed[ty]
    }
    #[inline]
    fn seize_free_after(&mut self, ty: usize, level: usize) -> Option<usize> {
        let class = self.best_free(&self.delayed_classes[ty][level])?;
        self.seize_front(class)
    }
    #[inline(always)]
    fn next_type(&self, g: usize, t: f64) -> Option<usize> {
        if !self.waiting.any(self.group_bits[g]) {
            return None; // no line of the group's types holds anyone
        }
        match self.policy.call_select {
            CallSelect::Oldest => self.best_head(g, t, |_, arrival, _| -arrival),
            CallSelect::LongestQueue => self.best_head(g, t, |line, _, _| line.len() as f64),
            CallSelect::WeightedWait => {
                self.best_head(g, t, |_, arrival, ty| self.types[ty].weight * (t - arrival))
            }
        }
    }
    #[inline]
    fn handle_time_factor(&self, g: usize, ty: usize) -> f64 {
        if self.handle_time_factor.is_empty() {
            1.0
        } else {
            self.handle_time_factor[g * self.model.types.len() + ty]
        }
    }
    #[inline]
    fn skill_types(&self, g: usize) -> impl Iterator<Item = usize> {
        self.model.groups[g].skills.iter().map(|s| s.call_type)
    }
    fn agents_for(&self, ty: usize) -> u32 {
        self.model
            .groups
            .iter()
            .zip(self.groups.first(self.model.groups.len()))
            .filter(|(group, _)| group.skill(ty).is_some())
            .map(|(_, pool)| pool.present())
            .sum()
    }
    fn busy(&self) -> u32 {
        self.groups
            .first(self.model.groups.len())
            .iter()
            .map(|pool| pool.busy())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::test_support::{self, skill};

    /// A group's test never says "nobody waits" while one of its types has someone in line,
    /// also for types from 63 on, which share one bit.
    #[test]
    fn waiting_types_never_miss_a_caller() {
        let types = [0, 5, 62, 63, 64, 200, 254];
        let mut waiting = WaitingTypes::default();
        let mut held = [false; 255];
        // fill and empty in a fixed, mixed order
        let steps = [0, 63, 200, 5, 63, 64, 0, 254, 200, 62, 64, 254, 5, 62];
        for &ty in &steps {
            if held[ty] {
                waiting.emptied(ty);
            } else {
                waiting.filled(ty);
            }
            held[ty] = !held[ty];
            for &a in &types {
                for &b in &types {
                    let mask = WaitingTypes::mask([a, b].into_iter());
                    if held[a] || held[b] {
                        assert!(waiting.any(mask), "types {a}, {b} after {ty}");
                    }
                    if !held[a] && !held[b] && a < 63 && b < 63 {
                        assert!(!waiting.any(mask), "types {a}, {b} after {ty}");
                    }
                }
            }
        }
        assert!(!waiting.any(u64::MAX), "everyone left");
    }

    /// The group the policy `select` gives a call of type `ty` that has waited `waited_s`
    /// exactly (0 or a delay), found from `router`'s groups one by one (each its own class):
    /// of the groups taking the type at that wait, at the best rank with a free agent, the
    /// one whose front agent has been idle longest (or with the most free agents), the first
    /// in the file on a tie; `None` when no such group has a free agent. Also true when the
    /// tie rule decided.
    fn chosen(
        router: &Skills,
        ty: usize,
        waited_s: f64,
        select: AgentSelect,
    ) -> (Option<usize>, bool) {
        let takes = |g: &usize| {
            let skill = router.model.groups[*g].skill(ty);
            skill.filter(|s| s.delay_s == waited_s).map(|s| s.rank)
        };
        let free = |g: &usize| router.groups[*g].free() > 0;
        let groups = (0..router.model.groups.len()).filter(free);
        let Some(best_rank) = groups.clone().filter_map(|g| takes(&g)).min() else {
            return (None, false);
        };
        let key = |g: usize| match select {
            AgentSelect::LongestIdle => router.idle[g].front().map_or(f64::NAN, |f| f.0),
            AgentSelect::MostFreeGroup => -f64::from(router.groups[g].free()),
        };
        let (mut best, mut tie): (Option<usize>, bool) = (None, false);
        for g in groups.filter(|g| takes(g) == Some(best_rank)) {
            match best {
                Some(b) if key(g) >= key(b) => tie |= key(g) == key(b),
                _ => (best, tie) = (Some(g), false),
            }
        }
        (best, tie)
    }

    /// The same operations on a router whose groups of the same skills share an idle order
    /// (their class) and on one with an order per group give the same answers, step by
    /// step: which group takes each call, and every group's counters. Times are whole
    /// seconds and staffing changes at set instants, so that agents of several groups are
    /// often idle since the same instant (the tie rule: the group first in the file).
    #[test]
    fn a_class_of_groups_routes_as_its_groups_apart() {
        let sc = test_support::scenario(test_support::NINE_TO_CLOSE, &[100.0; 4], &[1; 4], None);
        let one = vec![skill(0, 1, 0.0), skill(1, 2, 10.0)];
        let other = vec![skill(1, 1, 0.0), skill(0, 1, 0.0)];
        let staffing = [
            [2, 0, 3, 1],
            [0, 2, 2, 4],
            [1, 3, 0, 2],
            [3, 1, 1, 0],
            [2, 2, 2, 2],
        ];
        let mut model = test_support::two_types(&sc, &staffing, |g| {
            if g % 3 == 1 { &other } else { &one }.clone()
        });
        for select in [AgentSelect::LongestIdle, AgentSelect::MostFreeGroup] {
            model.routing.agent_select = select;
            let mut merged = Skills::new(&sc, &model);
            let mut apart = Skills::unmerged(&sc, &model);
            let classes = (0..model.groups.len()).map(|g| merged.class_of[g]);
            let expected = match select {
                AgentSelect::LongestIdle => vec![0, 1, 0, 0, 1],
                AgentSelect::MostFreeGroup => vec![0, 1, 2, 3, 4],
            };
            assert_eq!(classes.collect::<Vec<_>>(), expected);
            let mut state: u64 = 7;
            let mut t = 0.0;
            let (mut answered, mut ties) = (0, 0);
            for step in 1..=20_000 {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let pick = (state >> 33) as usize;
                t += f64::from(u8::from(pick.is_multiple_of(3)));
                // a new interval's staffing every 250 steps; closing time at step 18,000
                if step % 250 == 0 && step < 18_000 {
                    let interval = step / 250 % 4;
                    merged.set_staffing(t, interval);
                    apart.set_staffing(t, interval);
                } else if step == 18_000 {
                    for g in 0..5 {
                        merged.close(g);
                        apart.close(g);
                    }
                }
                let (ty, g) = (pick / 7 % 2, pick / 17 % 5);
                let (a, b) = match pick % 10 {
                    0..=3 => {
                        let (want, tie) = chosen(&apart, ty, 0.0, select);
                        (answered, ties) =
                            (answered + want.map_or(0, |_| 1), ties + usize::from(tie));
                        let b = apart.seize_free(ty);
                        assert_eq!(b, want, "{select:?}, step {step}: the rule");
                        (merged.seize_free(ty), b)
                    }
                    4 => {
                        let (want, tie) = chosen(&apart, 1, 10.0, select);
                        (answered, ties) =
                            (answered + want.map_or(0, |_| 1), ties + usize::from(tie));
                        let b = apart.seize_free_after(1, 0);
                        assert_eq!(b, want, "{select:?}, step {step}: the rule");
                        (merged.seize_free_after(1, 0), b)
                    }
                    5..=8 if merged.groups[g].busy() > 0 => {
                        let waiting = pick.is_multiple_of(5);
                        let (a, b) = (
                            merged.end_call(g, t, waiting),
                            apart.end_call(g, t, waiting),
                        );
                        (Some(usize::from(a)), Some(usize::from(b)))
                    }
                    _ => (
                        Some(usize::from(merged.seize(g))),
                        Some(usize::from(apart.seize(g))),
                    ),
                };
                assert_eq!(a, b, "{select:?}, step {step}");
                for g in 0..5 {
                    let (m, p) = (&merged.groups[g], &apart.groups[g]);
                    assert_eq!((m.free(), m.busy()), (p.free(), p.busy()), "step {step}");
                    assert_eq!(
                        merged.idle[merged.class_of[g]].count_of(g),
                        m.free() as usize
                    );
                }
            }
            assert!(answered > 2000, "{select:?}: {answered} calls answered");
            assert!(ties > 200, "{select:?}: {ties} decided by the tie rule");
        }
    }
}
