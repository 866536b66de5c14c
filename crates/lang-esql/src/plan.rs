//! Planning: from a parsed [`Query`] to an executable [`Plan`] over CloudTrail events read
//! through the ECS view.
//!
//! The planner resolves `FROM` index patterns, builds the table of source columns (every ECS
//! field of the view, sorted by name as Elasticsearch lists a mapping, then `METADATA`), type
//! checks every command and expression as Elasticsearch's verifier does (`Unknown column [x]`,
//! `first argument of [..] must be [..]`, ...) and compiles the pipeline into stages. Commands
//! and functions that cannot run without an Elasticsearch index are rejected by name.

use crate::agg::{self, AggKind, AggSpec};
use crate::ast::*;
use crate::dissect::DissectPattern;
use crate::expr::{
    ArithOp, CExpr, CmpOp, ColId, Cx, Matcher, Row, Site, SourceCol, SrcKind, Warnings,
};
use crate::func::{self, ArgT, Func};
use crate::grok::{GrokPattern, GrokType};
use crate::like_pattern::LikePattern;
use crate::lucene_regex::LuceneRegex;
use crate::value::{EsqlType, EsqlValue};
use std::collections::HashSet;
use std::sync::Arc;
use trailhound_engine::{Glob, Pred, Test, TextMode, TextOp};
use trailhound_event::{FieldType, View, ecs};
use trailhound_syntax::{Diagnostic, LineCol, Span};

/// What a plan needs besides the query: the evaluation time of `NOW()` and the field view.
#[derive(Clone, Debug)]
pub struct PlanContext {
    /// The value of `NOW()` (the CLI's `--now`; the window end under schedule replay).
    pub now: jiff::Timestamp,
    /// The field view events are read through; must be an ECS view.
    pub view: View,
    /// The query text, when known: unnamed columns are then named by their exact source text
    /// (as Elasticsearch names them) and warnings carry `Line L:C:` positions.
    pub source: Option<Arc<str>>,
}

impl PlanContext {
    /// A context with `NOW()` = `now` and the given view.
    pub fn new(now: jiff::Timestamp, view: View) -> PlanContext {
        PlanContext {
            now,
            view,
            source: None,
        }
    }

    /// Adds the query text (see [`PlanContext::source`]).
    pub fn with_source(mut self, text: &str) -> PlanContext {
        self.source = Some(Arc::from(text));
        self
    }
}

/// Elasticsearch's default and maximum result sizes (`esql.query.result_truncation_*`).
pub const DEFAULT_LIMIT: usize = 1000;
/// See [`DEFAULT_LIMIT`].
pub const MAX_LIMIT: usize = 10_000;

/// One sort key.
#[derive(Clone, Debug)]
pub(crate) struct SortSpec {
    pub expr: CExpr,
    pub desc: bool,
    pub nulls_first: bool,
}

/// One aggregate call of a `STATS`.
#[derive(Clone, Debug)]
pub(crate) struct AggCall {
    pub slot: ColId,
    pub spec: AggSpec,
    pub args: Vec<CExpr>,
    pub filter: Option<CExpr>,
    pub site: u32,
}

/// A compiled `STATS`.
#[derive(Clone, Debug)]
pub(crate) struct StatsPlan {
    /// Group keys: output column and key expression over the input row.
    pub groups: Vec<(ColId, String, CExpr)>,
    /// Aggregate calls.
    pub aggs: Vec<AggCall>,
    /// Output aggregate columns computed from the aggregate slots and group keys.
    pub outputs: Vec<(ColId, CExpr)>,
}

/// A pipeline stage.
#[derive(Clone, Debug)]
pub(crate) enum Stage {
    Where(CExpr),
    Eval(Vec<(ColId, CExpr)>),
    Dissect {
        input: CExpr,
        pattern: Box<DissectPattern>,
        outputs: Vec<ColId>,
    },
    Grok {
        input: CExpr,
        patterns: Vec<GrokPattern>,
        outputs: Vec<(ColId, String, GrokType)>,
        site: u32,
    },
    MvExpand {
        from: ColId,
        to: ColId,
    },
    Limit(usize),
    TopN {
        keys: Vec<SortSpec>,
        n: usize,
    },
    Sort {
        keys: Vec<SortSpec>,
    },
    Stats(Box<StatsPlan>),
}

impl Stage {
    fn columns(&self, f: &mut dyn FnMut(ColId)) {
        match self {
            Stage::Where(e) => e.columns(f),
            Stage::Eval(fields) => fields.iter().for_each(|(_, e)| e.columns(f)),
            Stage::Dissect { input, .. } | Stage::Grok { input, .. } => input.columns(f),
            Stage::MvExpand { from, .. } => f(*from),
            Stage::Limit(_) => {}
            Stage::TopN { keys, .. } | Stage::Sort { keys } => {
                keys.iter().for_each(|k| k.expr.columns(f))
            }
            Stage::Stats(s) => {
                for (_, _, e) in &s.groups {
                    e.columns(f);
                }
                for a in &s.aggs {
                    a.args.iter().for_each(|e| e.columns(f));
                    if let Some(c) = &a.filter {
                        c.columns(f);
                    }
                }
            }
        }
    }

    /// Whether the stage's work on each input row reads `NOW()` (which then makes it depend on
    /// the execution time); for `STATS`, its group keys, arguments and filters (not the
    /// expressions over aggregates, evaluated once per group).
    pub(crate) fn uses_now(&self) -> bool {
        match self {
            Stage::Where(e) => e.uses_now(),
            Stage::Eval(fields) => fields.iter().any(|(_, e)| e.uses_now()),
            Stage::Dissect { input, .. } | Stage::Grok { input, .. } => input.uses_now(),
            Stage::MvExpand { .. } | Stage::Limit(_) => false,
            Stage::TopN { keys, .. } | Stage::Sort { keys } => {
                keys.iter().any(|k| k.expr.uses_now())
            }
            Stage::Stats(s) => {
                s.groups.iter().any(|(_, _, e)| e.uses_now())
                    || s.aggs.iter().any(|a| {
                        a.args.iter().any(CExpr::uses_now)
                            || a.filter.as_ref().is_some_and(CExpr::uses_now)
                    })
            }
        }
    }

    /// Whether the stage turns each row into rows on its own, reading nothing but that row
    /// (`WHERE`, `EVAL`, `DISSECT`, `GROK`, `MV_EXPAND`), unlike `LIMIT`, `SORT` and `STATS`.
    pub(crate) fn is_row_local(&self) -> bool {
        matches!(
            self,
            Stage::Where(_)
                | Stage::Eval(_)
                | Stage::Dissect { .. }
                | Stage::Grok { .. }
                | Stage::MvExpand { .. }
        )
    }

    /// Whether rows stop here until `finish` (aggregation and sorting).
    pub(crate) fn is_blocking(&self) -> bool {
        matches!(
            self,
            Stage::TopN { .. } | Stage::Sort { .. } | Stage::Stats(_)
        )
    }
}

/// A column of the current table during planning.
#[derive(Clone, Debug)]
struct Col {
    name: String,
    ty: EsqlType,
    id: ColId,
}

/// An executable ES|QL query.
#[derive(Debug)]
pub struct Plan {
    pub(crate) now_ms: i64,
    pub(crate) sources: Vec<SourceCol>,
    pub(crate) ncols: usize,
    pub(crate) stages: Vec<Stage>,
    pub(crate) output: Vec<(String, EsqlType, ColId)>,
    pub(crate) sites: Vec<Site>,
    pub(crate) warnings: Vec<String>,
    pub(crate) prefilter: Pred,
    pub(crate) reads_events: bool,
    /// Per stage index (and one past the end for the output): columns later stages read.
    pub(crate) needed: Vec<Vec<ColId>>,
}

impl Plan {
    /// Plans `query`. Errors are Elasticsearch-worded [`Diagnostic`]s: `esql::unknown_column`,
    /// `esql::type_mismatch`, `esql::verification`, `esql::unknown_function`,
    /// `esql::unsupported_function`, `esql::unsupported_command`, and `esql::not_runnable` when
    /// no `FROM` pattern reads CloudTrail data.
    pub fn new(query: &Query, ctx: &PlanContext) -> Result<Plan, Diagnostic> {
        Planner::new(ctx).plan(query)
    }

    /// Parses and plans `text` (the context's source is set to `text`).
    pub fn parse(text: &str, ctx: &PlanContext) -> Result<Plan, Diagnostic> {
        let query = crate::parse(text)?;
        let ctx = ctx.clone().with_source(text);
        Plan::new(&query, &ctx)
    }

    /// The result columns and their types.
    pub fn columns(&self) -> Vec<(String, EsqlType)> {
        self.output
            .iter()
            .map(|(n, t, _)| (n.clone(), *t))
            .collect()
    }

    /// A condition every event that can contribute to the result satisfies (a *necessary*
    /// condition derived from the leading `WHERE` clauses; `Pred::Const(true)` when nothing can
    /// be pushed down). Events failing it can be skipped without changing the result.
    pub fn prefilter(&self) -> Pred {
        self.prefilter.clone()
    }

    /// Plan-time warnings (index patterns that read nothing, columns that are always null).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The `NOW()` of the plan.
    pub fn now(&self) -> jiff::Timestamp {
        jiff::Timestamp::from_millisecond(self.now_ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    /// Whether the query reads the current time (`NOW()`) in any stage, so that its results
    /// depend on when it runs.
    pub fn uses_now(&self) -> bool {
        self.stages.iter().any(Stage::uses_now)
    }

    /// Whether the query aggregates (`STATS`): result rows then stand for groups of events.
    pub fn aggregates(&self) -> bool {
        self.stages.iter().any(|s| matches!(s, Stage::Stats(_)))
    }

    /// Whether the query reads events (`FROM`) rather than constants (`ROW`).
    pub fn reads_events(&self) -> bool {
        self.reads_events
    }
}

const CLOUDTRAIL_INDICES: [&str; 3] = [
    "logs-aws.cloudtrail-default",
    ".ds-logs-aws.cloudtrail-default-2023.07.10-000001",
    "filebeat-8.0.0",
];

/// `MV_EXPAND` fans rows out recursively; more than this many in one query is refused.
const MAX_MV_EXPANDS: usize = 64;

/// Fields the Elastic integration maps that trailhound never sets on CloudTrail events.
const MAPPED_ABSENT: [(&str, EsqlType); 1] = [("event.ingested", EsqlType::Date)];

fn err(code: &'static str, msg: impl Into<String>, span: Span) -> Diagnostic {
    Diagnostic::new(code, msg, span)
}

struct AggCollector {
    groups: Vec<Col>,
    calls: Vec<AggCall>,
}

struct Planner<'a> {
    ctx: &'a PlanContext,
    sources: Vec<SourceCol>,
    ncols: usize,
    sites: Vec<Site>,
    warnings: Vec<String>,
    stages: Vec<Stage>,
    scope: Vec<Col>,
    foreign: Vec<String>,
    prefilter: Vec<Pred>,
    prefilter_open: bool,
    pending_sort: Option<(Vec<SortSpec>, Span)>,
    after_stats: bool,
    agg: Option<AggCollector>,
    now_ms: i64,
    mv_expands: usize,
}

impl<'a> Planner<'a> {
    fn new(ctx: &'a PlanContext) -> Planner<'a> {
        Planner {
            ctx,
            sources: Vec::new(),
            ncols: 0,
            sites: Vec::new(),
            warnings: Vec::new(),
            stages: Vec::new(),
            scope: Vec::new(),
            foreign: Vec::new(),
            prefilter: Vec::new(),
            prefilter_open: true,
            pending_sort: None,
            after_stats: false,
            agg: None,
            now_ms: ctx.now.as_millisecond(),
            mv_expands: 0,
        }
    }

    fn new_col(&mut self) -> ColId {
        self.ncols += 1;
        self.ncols - 1
    }

    fn text(&self, span: Span) -> Option<String> {
        self.ctx
            .source
            .as_deref()
            .and_then(|s| s.get(span.range()))
            .map(str::to_owned)
    }

    fn text_of(&self, e: &Expr) -> String {
        self.text(e.span()).unwrap_or_else(|| e.to_string())
    }

    fn site(&mut self, e: &Expr) -> u32 {
        let text = self.text_of(e);
        let line_col = self.ctx.source.as_deref().map(|s| {
            let lc = LineCol::of(s, e.span().start);
            (lc.line, lc.column)
        });
        self.sites.push(Site { text, line_col });
        (self.sites.len() - 1) as u32
    }

    fn plan(mut self, q: &Query) -> Result<Plan, Diagnostic> {
        if !matches!(self.ctx.view, View::Ecs(_)) {
            return Err(err(
                "esql::not_runnable",
                "ES|QL reads CloudTrail events through the ECS view",
                q.span,
            ));
        }
        let reads_events = match &q.source {
            SourceCommand::From(from) => {
                self.from(from)?;
                true
            }
            SourceCommand::Row { fields, .. } => {
                self.prefilter_open = false;
                self.eval(fields, "ROW")?;
                false
            }
            SourceCommand::ShowInfo { span } => {
                return Err(err(
                    "esql::unsupported_command",
                    "SHOW INFO describes an Elasticsearch node; trailhound has none",
                    *span,
                ));
            }
        };
        let has_limit = q
            .commands
            .iter()
            .any(|c| matches!(c, ProcessingCommand::Limit { .. }));
        for cmd in &q.commands {
            self.command(cmd)?;
        }
        let implicit = if has_limit { MAX_LIMIT } else { DEFAULT_LIMIT };
        match self.pending_sort.take() {
            Some((keys, _)) => self.stages.push(Stage::TopN { keys, n: implicit }),
            None => self.stages.push(Stage::Limit(implicit)),
        }
        let output: Vec<(String, EsqlType, ColId)> = self
            .scope
            .iter()
            .map(|c| (c.name.clone(), c.ty, c.id))
            .collect();
        let needed = needed_columns(&self.stages, &output);
        let prefilter = Pred::and(std::mem::take(&mut self.prefilter));
        Ok(Plan {
            now_ms: self.now_ms,
            sources: self.sources,
            ncols: self.ncols,
            stages: self.stages,
            output,
            sites: self.sites,
            warnings: self.warnings,
            prefilter: if reads_events {
                prefilter
            } else {
                Pred::Const(true)
            },
            reads_events,
            needed,
        })
    }

    fn from(&mut self, from: &FromCommand) -> Result<(), Diagnostic> {
        let mut cloudtrail = false;
        let mut excluded = false;
        let mut read: Vec<String> = Vec::new();
        for ip in &from.indices {
            for raw in ip.index.split(',') {
                let p = raw.trim();
                if p.is_empty() {
                    continue;
                }
                let written = match (&ip.cluster, &ip.selector) {
                    (Some(c), _) => format!("{c}:{p}"),
                    (None, Some(s)) => format!("{p}::{s}"),
                    (None, None) => p.to_owned(),
                };
                if let Some(ex) = p.strip_prefix('-') {
                    if ip.cluster.is_none() && matches_cloudtrail(ex) {
                        excluded = true;
                    }
                    continue;
                }
                let local =
                    ip.cluster.is_none() && ip.selector.as_deref().is_none_or(|s| s == "data");
                if local && matches_cloudtrail(p) {
                    cloudtrail = true;
                    read.push(written);
                } else {
                    self.foreign.push(written);
                }
            }
        }
        for f in &self.foreign {
            self.warnings.push(format!("index pattern [{f}] does not match CloudTrail data; trailhound reads no events for it"));
        }
        if !cloudtrail || excluded {
            let patterns: Vec<String> = from.indices.iter().map(|i| i.to_string()).collect();
            return Err(err(
                "esql::not_runnable",
                format!(
                    "FROM {} reads no CloudTrail data: trailhound only has CloudTrail events (indices logs-aws.cloudtrail-*, logs-*, filebeat-*)",
                    patterns.join(", ")
                ),
                from.span,
            )
            .with_help("this query needs data trailhound does not have (e.g. endpoint events or Kibana alerts)"));
        }
        let mut cols: Vec<SourceCol> = Vec::new();
        for name in ecs::field_names() {
            let resolved = self.ctx.view.resolve(name);
            let ty = es_type(resolved.ty);
            let kind = if name == "@timestamp" {
                SrcKind::Timestamp
            } else {
                SrcKind::Field(resolved.field)
            };
            cols.push(SourceCol {
                name: name.to_owned(),
                ty,
                kind,
            });
        }
        for root in [
            "request_parameters",
            "response_elements",
            "additional_eventdata",
            "service_event_details",
        ] {
            cols.push(SourceCol {
                name: format!("aws.cloudtrail.flattened.{root}"),
                ty: EsqlType::Unsupported,
                kind: SrcKind::Null,
            });
        }
        for (name, ty) in MAPPED_ABSENT {
            cols.push(SourceCol {
                name: name.to_owned(),
                ty,
                kind: SrcKind::Null,
            });
        }
        cols.sort_by(|a, b| a.name.cmp(&b.name));
        for m in &from.metadata {
            let (ty, kind) = match m.name.as_str() {
                "_id" => (EsqlType::Keyword, SrcKind::MetaId),
                "_index" => (EsqlType::Keyword, SrcKind::MetaIndex),
                "_version" => (EsqlType::Long, SrcKind::MetaVersion),
                "_ignored" => (EsqlType::Keyword, SrcKind::Null),
                "_score" | "_source" | "_index_mode" => {
                    return Err(err(
                        "esql::unsupported_function",
                        format!(
                            "metadata field [{}] is not supported by trailhound (it needs an Elasticsearch index)",
                            m.name
                        ),
                        m.span,
                    ));
                }
                other => {
                    return Err(err(
                        "esql::verification",
                        format!("unsupported metadata field [{other}]"),
                        m.span,
                    ));
                }
            };
            cols.retain(|c| c.name != m.name);
            cols.push(SourceCol {
                name: m.name.clone(),
                ty,
                kind,
            });
        }
        for c in cols {
            let id = self.new_col();
            self.scope.push(Col {
                name: c.name.clone(),
                ty: c.ty,
                id,
            });
            self.sources.push(c);
        }
        Ok(())
    }

    fn command(&mut self, cmd: &ProcessingCommand) -> Result<(), Diagnostic> {
        match cmd {
            ProcessingCommand::Where { condition, .. } => {
                let (c, t) = self.expr(condition)?;
                if !matches!(t, EsqlType::Boolean | EsqlType::Null) {
                    return Err(err(
                        "esql::type_mismatch",
                        format!(
                            "Condition expression needs to be boolean, found [{}]",
                            t.error_name()
                        ),
                        condition.span(),
                    ));
                }
                if self.prefilter_open {
                    let p = self.necessary(condition, true);
                    self.prefilter.push(p);
                }
                self.stages.push(Stage::Where(c));
            }
            ProcessingCommand::Eval { fields, .. } => self.eval(fields, "EVAL")?,
            ProcessingCommand::Stats(s) => self.stats(s)?,
            ProcessingCommand::InlineStats(s) => {
                return Err(err(
                    "esql::unsupported_command",
                    "INLINE STATS is not supported by trailhound: it needs every input row kept until the aggregation ends",
                    s.span,
                ));
            }
            ProcessingCommand::Keep { patterns, .. } => self.keep(patterns)?,
            ProcessingCommand::Drop { patterns, .. } => self.drop(patterns)?,
            ProcessingCommand::Rename { clauses, .. } => self.rename(clauses)?,
            ProcessingCommand::Sort { keys, span } => self.sort(keys, *span)?,
            ProcessingCommand::Limit { count, span } => {
                let n = match count {
                    LimitCount::Value(n) => *n as usize,
                    LimitCount::Param(_) => {
                        return Err(err(
                            "esql::unsupported_command",
                            "LIMIT with a query parameter needs a parameter value",
                            *span,
                        ));
                    }
                };
                self.prefilter_open = false;
                match self.pending_sort.take() {
                    Some((keys, _)) => self.stages.push(Stage::TopN { keys, n }),
                    None => self.stages.push(Stage::Limit(n)),
                }
            }
            ProcessingCommand::Dissect {
                input,
                pattern,
                append_separator,
                ..
            } => {
                let (c, t) = self.expr(input)?;
                if !t.is_string() && t != EsqlType::Null {
                    return Err(err(
                        "esql::type_mismatch",
                        format!(
                            "Dissect only supports KEYWORD or TEXT values, found expression [{}] type [{}]",
                            self.text_of(input),
                            t.error_name()
                        ),
                        input.span(),
                    ));
                }
                let sep = append_separator.as_ref().map_or("", |s| s.value.as_str());
                let parsed = DissectPattern::parse(&pattern.value, sep).map_err(|e| {
                    err(
                        "esql::verification",
                        format!("Invalid pattern for dissect: [{}]", e.message),
                        pattern.span,
                    )
                })?;
                if !parsed.reference_keys().is_empty() {
                    return Err(err(
                        "esql::verification",
                        "Reference keys not supported in dissect patterns",
                        pattern.span,
                    ));
                }
                let names: Vec<String> = parsed
                    .output_keys()
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect();
                let mut outputs = Vec::new();
                for name in names {
                    outputs.push(self.define(&name, EsqlType::Keyword));
                }

                self.stages.push(Stage::Dissect {
                    input: c,
                    pattern: Box::new(parsed),
                    outputs,
                });
            }
            ProcessingCommand::Grok {
                input, patterns, ..
            } => {
                let (c, t) = self.expr(input)?;
                if !t.is_string() && t != EsqlType::Null {
                    return Err(err(
                        "esql::type_mismatch",
                        format!(
                            "Grok only supports KEYWORD or TEXT values, found expression [{}] type [{}]",
                            self.text_of(input),
                            t.error_name()
                        ),
                        input.span(),
                    ));
                }
                let mut compiled = Vec::new();
                let mut fields: Vec<(String, GrokType)> = Vec::new();
                for p in patterns {
                    let g = GrokPattern::compile(&p.value)
                        .map_err(|e| e.to_diagnostic(&p.value, p.span))?;
                    for (name, ty) in g.fields() {
                        match fields.iter().find(|(n, _)| n == name) {
                            Some((_, t)) if t != ty => {
                                return Err(err(
                                    "esql::verification",
                                    format!(
                                        "Invalid GROK patterns: field [{name}] has different types in different patterns"
                                    ),
                                    p.span,
                                ));
                            }
                            Some(_) => {}
                            None => fields.push((name.clone(), *ty)),
                        }
                    }
                    compiled.push(g);
                }
                fields.sort_by(|a, b| a.0.cmp(&b.0));
                let site = self.site(input);
                let mut outputs = Vec::new();
                for (name, gt) in fields {
                    let ty = match gt {
                        GrokType::Integer => EsqlType::Integer,
                        GrokType::Long => EsqlType::Long,
                        GrokType::Float | GrokType::Double => EsqlType::Double,
                        GrokType::Boolean => EsqlType::Boolean,
                        GrokType::String => EsqlType::Keyword,
                    };
                    let id = self.define(&name, ty);
                    outputs.push((id, name, gt));
                }
                self.stages.push(Stage::Grok {
                    input: c,
                    patterns: compiled,
                    outputs,
                    site,
                });
            }
            ProcessingCommand::MvExpand { field, span } => {
                self.mv_expands += 1;
                if self.mv_expands > MAX_MV_EXPANDS {
                    return Err(err(
                        "esql::too_deep",
                        format!("more than {MAX_MV_EXPANDS} MV_EXPAND commands in one query"),
                        *span,
                    ));
                }
                let name = field.name();
                let Some(pos) = self.scope.iter().rposition(|c| c.name == name) else {
                    return Err(self.unknown(&name, field.span));
                };
                if let Some((keys, sspan)) = self.pending_sort.take() {
                    if !self.after_stats {
                        return Err(self.unbounded_sort(sspan));
                    }
                    self.stages.push(Stage::Sort { keys });
                }

                self.prefilter_open = false;
                let from = self.scope[pos].id;
                let to = self.new_col();
                self.scope[pos].id = to;
                self.stages.push(Stage::MvExpand { from, to });
            }
            ProcessingCommand::Enrich(e) => {
                return Err(err(
                    "esql::unsupported_command",
                    format!(
                        "ENRICH is not supported by trailhound: it needs the enrich index of policy [{}]",
                        e.policy.name
                    ),
                    e.span,
                ));
            }
            ProcessingCommand::LookupJoin { index, span, .. } => {
                return Err(err(
                    "esql::unsupported_command",
                    format!(
                        "LOOKUP JOIN is not supported by trailhound: it needs the lookup index [{}]",
                        index.index
                    ),
                    *span,
                ));
            }
            ProcessingCommand::ChangePoint { span, .. } => {
                return Err(err(
                    "esql::unsupported_command",
                    "CHANGE_POINT is not supported by trailhound (statistical test over a series)",
                    *span,
                ));
            }
            ProcessingCommand::Sample { span, .. } => {
                return Err(err(
                    "esql::unsupported_command",
                    "SAMPLE is not supported by trailhound: random sampling is not reproducible",
                    *span,
                ));
            }
            ProcessingCommand::Fork { span, .. } => {
                return Err(err(
                    "esql::unsupported_command",
                    "FORK is not supported by trailhound",
                    *span,
                ));
            }
        }
        Ok(())
    }

    fn unbounded_sort(&self, span: Span) -> Diagnostic {
        err(
            "esql::verification",
            format!(
                "Unbounded SORT not supported yet [{}] please add a LIMIT",
                self.text(span).unwrap_or_else(|| "SORT".into())
            ),
            span,
        )
    }

    /// Adds a column at the end of the table, replacing one of the same name.
    fn define(&mut self, name: &str, ty: EsqlType) -> ColId {
        let id = self.new_col();
        self.scope.retain(|c| c.name != name);
        self.scope.push(Col {
            name: name.to_owned(),
            ty,
            id,
        });
        id
    }

    fn eval(&mut self, fields: &[Field], command: &str) -> Result<(), Diagnostic> {
        let mut out = Vec::new();
        for f in fields {
            let (c, t) = self.expr(&f.expr)?;
            if !t.is_representable() {
                return Err(err(
                    "esql::type_mismatch",
                    format!(
                        "{command} does not support type [{}] as the return data type of expression [{}]",
                        t.name(),
                        self.text_of(&f.expr)
                    ),
                    f.expr.span(),
                ));
            }
            let name = match &f.name {
                Some(n) => n.name(),
                None => self.text_of(&f.expr),
            };
            let id = self.define(&name, t);
            out.push((id, c));
            // A later field may read an earlier one: emit per field so values exist in order.
            self.stages.push(Stage::Eval(std::mem::take(&mut out)));
        }
        Ok(())
    }

    fn sort(&mut self, keys: &[SortKey], span: Span) -> Result<(), Diagnostic> {
        let mut specs = Vec::new();
        let mut hidden = Vec::new();
        for k in keys {
            let (c, t) = self.expr(&k.expr)?;
            if matches!(t, EsqlType::Unsupported) || !t.is_representable() {
                return Err(err(
                    "esql::type_mismatch",
                    format!(
                        "cannot sort on [{}] of type [{}]",
                        self.text_of(&k.expr),
                        t.name()
                    ),
                    k.expr.span(),
                ));
            }
            let desc = k.order == Some(SortOrder::Desc);
            let nulls_first = match k.nulls {
                Some(NullsOrder::First) => true,
                Some(NullsOrder::Last) => false,
                None => desc,
            };
            // Sort keys are evaluated here; the sort itself happens where its LIMIT is.
            let id = self.new_col();
            hidden.push((id, c));
            specs.push(SortSpec {
                expr: CExpr::Col(id),
                desc,
                nulls_first,
            });
        }
        self.stages.push(Stage::Eval(hidden));
        self.pending_sort = Some((specs, span));
        Ok(())
    }

    fn keep(&mut self, patterns: &[NamePattern]) -> Result<(), Diagnostic> {
        // Winning pattern per column: exact name (2) > partial wildcard (1) > lone `*` (0);
        // equal priority: the rightmost pattern.
        let mut best: Vec<Option<(u8, usize)>> = vec![None; self.scope.len()];
        for (pi, p) in patterns.iter().enumerate() {
            let text = p.text();
            let prio = if !p.has_wildcard() {
                2
            } else if text == "*" {
                0
            } else {
                1
            };
            let mut any = false;
            for (ci, c) in self.scope.iter().enumerate() {
                if p.matches(&c.name) {
                    any = true;
                    if best[ci].is_none_or(|(bp, _)| prio >= bp) {
                        best[ci] = Some((prio, pi));
                    }
                }
            }
            if !any {
                return Err(if p.has_wildcard() {
                    err(
                        "esql::unknown_column",
                        format!("No matches found for pattern [{text}]"),
                        p.span,
                    )
                } else {
                    self.unknown(&text, p.span)
                });
            }
        }
        let mut kept: Vec<(usize, usize, Col)> = Vec::new();
        for (ci, c) in self.scope.iter().enumerate() {
            if let Some((_, pi)) = best[ci] {
                kept.push((pi, ci, c.clone()));
            }
        }
        kept.sort_by_key(|(pi, ci, _)| (*pi, *ci));
        self.scope = kept.into_iter().map(|(_, _, c)| c).collect();
        Ok(())
    }

    fn drop(&mut self, patterns: &[NamePattern]) -> Result<(), Diagnostic> {
        for p in patterns {
            if !self.scope.iter().any(|c| p.matches(&c.name)) {
                let text = p.text();
                return Err(if p.has_wildcard() {
                    err(
                        "esql::unknown_column",
                        format!("No matches found for pattern [{text}]"),
                        p.span,
                    )
                } else {
                    self.unknown(&text, p.span)
                });
            }
        }
        self.scope
            .retain(|c| !patterns.iter().any(|p| p.matches(&c.name)));
        Ok(())
    }

    fn rename(&mut self, clauses: &[RenameClause]) -> Result<(), Diagnostic> {
        for cl in clauses {
            let (old, new) = (cl.old.text(), cl.new.text());
            if cl.old.has_wildcard() || cl.new.has_wildcard() {
                return Err(err(
                    "esql::verification",
                    "Using wildcards [*] in RENAME is not allowed",
                    cl.span,
                ));
            }
            let Some(pos) = self.scope.iter().rposition(|c| c.name == old) else {
                return Err(self.unknown(&old, cl.old.span));
            };
            let id = self.scope[pos].id;
            self.scope[pos].name = new.clone();
            self.scope.retain(|c| c.name != new || c.id == id);
        }
        Ok(())
    }

    fn stats(&mut self, s: &StatsCommand) -> Result<(), Diagnostic> {
        self.prefilter_open = false;
        self.pending_sort = None;
        let mut groups = Vec::new();
        let mut group_cols = Vec::new();
        for g in &s.groups {
            let (c, t) = self.expr(&g.expr)?;
            if !t.is_representable() || t == EsqlType::Unsupported {
                return Err(err(
                    "esql::type_mismatch",
                    format!(
                        "cannot group by [{}] of type [{}]",
                        self.text_of(&g.expr),
                        t.name()
                    ),
                    g.expr.span(),
                ));
            }
            let name = match &g.name {
                Some(n) => n.name(),
                None => self.text_of(&g.expr),
            };
            let id = self.new_col();
            group_cols.push(Col {
                name: name.clone(),
                ty: t,
                id,
            });
            groups.push((id, name, c));
        }
        let mut aggs: Vec<AggCall> = Vec::new();
        let mut outputs = Vec::new();
        let mut out_cols = Vec::new();
        for a in &s.aggregates {
            let filter = match &a.filter {
                Some(f) => {
                    let (c, t) = self.expr(f)?;
                    if !matches!(t, EsqlType::Boolean | EsqlType::Null) {
                        return Err(err(
                            "esql::type_mismatch",
                            format!(
                                "Condition expression needs to be boolean, found [{}]",
                                t.error_name()
                            ),
                            f.span(),
                        ));
                    }
                    Some(c)
                }
                None => None,
            };
            self.agg = Some(AggCollector {
                groups: group_cols.clone(),
                calls: Vec::new(),
            });
            let compiled = self.expr(&a.field.expr);
            let collector = self.agg.take();
            let (outer, t) = compiled?;
            let mut calls = collector.map(|c| c.calls).unwrap_or_default();
            if calls.is_empty() {
                return Err(err(
                    "esql::verification",
                    format!(
                        "expected an aggregate function but found [{}]",
                        self.text_of(&a.field.expr)
                    ),
                    a.field.expr.span(),
                ));
            }
            for c in &mut calls {
                c.filter.clone_from(&filter);
            }
            aggs.extend(calls);
            let name = match &a.field.name {
                Some(n) => n.name(),
                None => self.text_of(&a.field.expr),
            };
            let id = self.new_col();
            out_cols.push(Col { name, ty: t, id });
            outputs.push((id, outer));
        }
        let mut scope: Vec<Col> = out_cols.into_iter().chain(group_cols).collect();
        // A name defined twice keeps only the rightmost definition.
        let mut seen = HashSet::new();
        let mut dedup = Vec::new();
        for c in scope.drain(..).rev() {
            if seen.insert(c.name.clone()) {
                dedup.push(c);
            }
        }
        dedup.reverse();
        self.scope = dedup;
        self.after_stats = true;
        self.stages.push(Stage::Stats(Box::new(StatsPlan {
            groups,
            aggs,
            outputs,
        })));
        Ok(())
    }

    fn unknown(&self, name: &str, span: Span) -> Diagnostic {
        let similar = similar_names(name, self.scope.iter().map(|c| c.name.as_str()));
        let msg = match similar.as_slice() {
            [] => format!("Unknown column [{name}]"),
            [one] => format!("Unknown column [{name}], did you mean [{one}]?"),
            many => format!(
                "Unknown column [{name}], did you mean any of [{}]?",
                many.join(", ")
            ),
        };
        err("esql::unknown_column", msg, span)
    }

    fn lookup(&mut self, q: &QualifiedName) -> Result<(CExpr, EsqlType), Diagnostic> {
        let name = q.name();
        if let Some(agg) = &self.agg {
            return match agg.groups.iter().rev().find(|c| c.name == name) {
                Some(c) => Ok((CExpr::Col(c.id), c.ty)),
                None => Err(err(
                    "esql::verification",
                    format!(
                        "column [{name}] must appear in the STATS BY clause or be used in an aggregate function"
                    ),
                    q.span,
                )),
            };
        }
        if let Some(c) = self.scope.iter().rev().find(|c| c.name == name) {
            if c.ty == EsqlType::Unsupported {
                return Err(err(
                    "esql::type_mismatch",
                    format!("Cannot use field [{name}] with unsupported type [flattened]"),
                    q.span,
                ));
            }
            if self
                .sources
                .get(c.id)
                .is_some_and(|s| matches!(s.kind, SrcKind::Null))
                && c.id < self.sources.len()
            {
                let note = format!(
                    "column [{name}] is never set on the CloudTrail events trailhound reads; it is null"
                );
                if !self.warnings.contains(&note) {
                    self.warnings.push(note);
                }
            }
            return Ok((CExpr::Col(c.id), c.ty));
        }
        if !self.foreign.is_empty() && !self.after_stats {
            // The column belongs to an index trailhound does not read: it is null here.
            let id = self.new_col();
            while self.sources.len() < id {
                self.sources.push(SourceCol {
                    name: String::new(),
                    ty: EsqlType::Null,
                    kind: SrcKind::Null,
                });
            }
            self.sources.push(SourceCol {
                name: name.clone(),
                ty: EsqlType::Keyword,
                kind: SrcKind::Null,
            });
            self.scope.push(Col {
                name: name.clone(),
                ty: EsqlType::Keyword,
                id,
            });
            self.warnings.push(format!(
                "column [{name}] is not a CloudTrail field; it exists only in [{}], which trailhound does not read: it is null",
                self.foreign.join(", ")
            ));
            return Ok((CExpr::Col(id), EsqlType::Keyword));
        }
        Err(self.unknown(&name, q.span))
    }

    /// Compiles an expression in the current scope; folds constant subexpressions.
    fn expr(&mut self, e: &Expr) -> Result<(CExpr, EsqlType), Diagnostic> {
        let (c, t) = self.expr_inner(e)?;
        Ok((self.fold(c), t))
    }

    fn fold(&self, c: CExpr) -> CExpr {
        if matches!(c, CExpr::Const(_) | CExpr::Col(_)) || c.uses_now() {
            return c;
        }
        let mut has_cols = false;
        c.columns(&mut |_| has_cols = true);
        if has_cols {
            return c;
        }
        let mut warnings = Warnings::default();
        let mut row = Row {
            ev: None,
            vals: Vec::new(),
        };
        let mut cx = Cx {
            now: self.now_ms,
            sources: &[],
            warnings: &mut warnings,
        };
        let v = c.eval(&mut row, &mut cx);
        if warnings.render(&[]).is_empty() {
            CExpr::Const(v)
        } else {
            c
        }
    }

    fn expr_inner(&mut self, e: &Expr) -> Result<(CExpr, EsqlType), Diagnostic> {
        match e {
            Expr::Literal(l) => literal(&l.value).map_err(|m| err("esql::verification", m, l.span)),
            Expr::Field(q) => self.lookup(q),
            Expr::Param(p) => Err(err(
                "esql::unsupported_command",
                "query parameters (?) need values, which trailhound does not take",
                p.span,
            )),
            Expr::Match(m) => Err(err(
                "esql::unsupported_function",
                "the match operator [:] is not supported by trailhound: it is a full-text search that needs an Elasticsearch inverted index",
                m.span,
            )),
            Expr::Unary { op, operand, .. } => {
                let (c, t) = self.expr(operand)?;
                if !t.is_numeric() && !t.is_span() && t != EsqlType::Null {
                    return Err(err(
                        "esql::type_mismatch",
                        format!(
                            "argument of [{}] must be [numeric, date_period or time_duration], found value [{}] type [{}]",
                            self.text_of(e),
                            self.text_of(operand),
                            t.error_name()
                        ),
                        e.span(),
                    ));
                }
                Ok(match op {
                    UnaryOp::Plus => (c, t),
                    UnaryOp::Neg => (
                        CExpr::Neg {
                            e: Box::new(c),
                            site: self.site(e),
                        },
                        t,
                    ),
                })
            }
            Expr::Not { operand, .. } => {
                let (c, t) = self.expr(operand)?;
                self.want_bool(e, operand, t)?;
                Ok((CExpr::Not(Box::new(c)), EsqlType::Boolean))
            }
            Expr::Binary {
                op, left, right, ..
            } => self.binary(e, *op, left, right),
            Expr::Like {
                kind,
                expr,
                patterns,
                negated,
                ..
            } => {
                let (c, t) = self.expr(expr)?;
                if !t.is_string() && t != EsqlType::Null {
                    return Err(err(
                        "esql::type_mismatch",
                        format!(
                            "argument of [{}] must be [string], found value [{}] type [{}]",
                            self.text_of(e),
                            self.text_of(expr),
                            t.error_name()
                        ),
                        expr.span(),
                    ));
                }
                let mut pats = Vec::new();
                for p in patterns {
                    pats.push(match kind {
                        LikeKind::Like => Matcher::Like(
                            LikePattern::new(&p.value)
                                .map_err(|m| err("esql::verification", m, p.span))?,
                        ),
                        LikeKind::RLike => Matcher::Regex(
                            LuceneRegex::new(&p.value, false)
                                .map_err(|m| err("esql::verification", m.message, p.span))?,
                        ),
                    });
                }
                Ok((
                    CExpr::Like {
                        e: Box::new(c),
                        pats,
                        negated: *negated,
                        site: self.site(e),
                    },
                    EsqlType::Boolean,
                ))
            }
            Expr::In {
                expr,
                list,
                negated,
                ..
            } => {
                let (c, t) = self.expr(expr)?;
                let mut items = Vec::new();
                for item in list {
                    items.push(self.expr(item)?);
                }
                let mut common = t.as_keyword();
                for (ci, it) in &mut items {
                    let (conv, ty) = self.unify_cmp(e, (c.clone(), common), (ci.clone(), *it))?;
                    *ci = conv.1;
                    *it = ty;
                    if common == EsqlType::Null {
                        common = ty;
                    } else if let Some(w) = EsqlType::widen(common, ty) {
                        common = w;
                    }
                }
                let mut set = foldhash::HashSet::default();
                let mut rest = Vec::new();
                let mut null_in_list = false;
                for (ci, _) in items {
                    match ci {
                        CExpr::Const(EsqlValue::Null) => null_in_list = true,
                        CExpr::Const(v) if common.is_numeric() => {
                            set.insert(func::coerce(&v, common).unwrap_or(v));
                        }
                        CExpr::Const(v) if !v.is_multi() => {
                            set.insert(v);
                        }
                        other => rest.push(other),
                    }
                }
                let value = if common.is_numeric() && t != common && t != EsqlType::Null {
                    CExpr::Coerce {
                        e: Box::new(c),
                        to: common,
                        site: self.site(expr),
                    }
                } else {
                    c
                };
                let site = self.site(e);
                Ok((
                    CExpr::In {
                        e: Box::new(value),
                        set,
                        list: rest,
                        null_in_list,
                        negated: *negated,
                        site,
                    },
                    EsqlType::Boolean,
                ))
            }
            Expr::IsNull { expr, negated, .. } => {
                let (c, _) = self.expr(expr)?;
                Ok((
                    CExpr::IsNull {
                        e: Box::new(c),
                        negated: *negated,
                    },
                    EsqlType::Boolean,
                ))
            }
            Expr::Cast { expr, ty, .. } => {
                let Some(target) = EsqlType::from_cast_name(&ty.name) else {
                    return Err(err(
                        "esql::verification",
                        format!("Unsupported conversion to type [{}]", ty.name),
                        ty.span,
                    ));
                };
                let Some(f) = func::cast_function(target) else {
                    return Err(err(
                        "esql::verification",
                        format!("Unsupported conversion to type [{}]", ty.name),
                        ty.span,
                    ));
                };
                let (c, t) = self.expr(expr)?;
                self.call(e, f, vec![(c, t, Some(&**expr))])
            }
            Expr::Function(call) => self.function(e, call),
        }
    }

    fn want_bool(&self, whole: &Expr, operand: &Expr, t: EsqlType) -> Result<(), Diagnostic> {
        if matches!(t, EsqlType::Boolean | EsqlType::Null) {
            return Ok(());
        }
        Err(err(
            "esql::type_mismatch",
            format!(
                "argument of [{}] must be [boolean], found value [{}] type [{}]",
                self.text_of(whole),
                self.text_of(operand),
                t.error_name()
            ),
            operand.span(),
        ))
    }

    /// Makes two operands comparable: string literals are cast to the other side's `date`,
    /// `ip`, `version` or `boolean` type ("Implicit casting").
    #[allow(clippy::type_complexity)]
    fn unify_cmp(
        &self,
        whole: &Expr,
        (l, lt): (CExpr, EsqlType),
        (r, rt): (CExpr, EsqlType),
    ) -> Result<((CExpr, CExpr), EsqlType), Diagnostic> {
        use EsqlType::*;
        let castable = |t: EsqlType| matches!(t, Date | Ip | Version | Boolean);
        if lt == Null || rt == Null {
            return Ok(((l, r), if lt == Null { rt } else { lt }));
        }
        if lt.is_numeric() && rt.is_numeric() {
            return match EsqlType::widen(lt, rt) {
                Some(w) => Ok(((l, r), w)),
                None => Err(self.mismatch(whole, lt, rt)),
            };
        }
        if lt.is_string() && rt.is_string() {
            return Ok(((l, r), Keyword));
        }
        if lt == rt {
            return Ok(((l, r), lt));
        }
        let cast = |c: &CExpr, to: EsqlType| -> Option<Result<CExpr, String>> {
            match c.konst() {
                Some(v @ EsqlValue::Str(_)) => {
                    Some(func::convert(v, to).map(CExpr::Const).map_err(|e| e.text()))
                }
                _ => None,
            }
        };
        if rt.is_string()
            && castable(lt)
            && let Some(r2) = cast(&r, lt)
        {
            let r2 = r2.map_err(|m| {
                err(
                    "esql::type_mismatch",
                    format!(
                        "Cannot convert string [{}] to [{}], error [{m}]",
                        r.konst().map(|v| v.to_string()).unwrap_or_default(),
                        lt.error_name().to_uppercase()
                    ),
                    whole.span(),
                )
            })?;
            return Ok(((l, r2), lt));
        }
        if lt.is_string()
            && castable(rt)
            && let Some(l2) = cast(&l, rt)
        {
            let l2 = l2.map_err(|m| {
                err(
                    "esql::type_mismatch",
                    format!(
                        "Cannot convert string [{}] to [{}], error [{m}]",
                        l.konst().map(|v| v.to_string()).unwrap_or_default(),
                        rt.error_name().to_uppercase()
                    ),
                    whole.span(),
                )
            })?;
            return Ok(((l2, r), rt));
        }
        Err(self.mismatch(whole, lt, rt))
    }

    fn mismatch(&self, whole: &Expr, lt: EsqlType, rt: EsqlType) -> Diagnostic {
        err(
            "esql::type_mismatch",
            format!(
                "first argument of [{}] is [{}] so second argument must also be [{}] but was [{}]",
                self.text_of(whole),
                lt.error_name(),
                lt.error_name(),
                rt.error_name()
            ),
            whole.span(),
        )
    }

    fn binary(
        &mut self,
        e: &Expr,
        op: BinaryOp,
        left: &Expr,
        right: &Expr,
    ) -> Result<(CExpr, EsqlType), Diagnostic> {
        let (l, lt) = self.expr(left)?;
        let (r, rt) = self.expr(right)?;
        match op {
            BinaryOp::And | BinaryOp::Or => {
                self.want_bool(e, left, lt)?;
                self.want_bool(e, right, rt)?;
                let (l, r) = (Box::new(l), Box::new(r));
                Ok((
                    if op == BinaryOp::And {
                        CExpr::And(l, r)
                    } else {
                        CExpr::Or(l, r)
                    },
                    EsqlType::Boolean,
                ))
            }
            op if op.is_comparison() => {
                for (side, t) in [(left, lt), (right, rt)] {
                    if t == EsqlType::Unsupported || t.is_span() {
                        return Err(err(
                            "esql::type_mismatch",
                            format!(
                                "cannot compare [{}] of type [{}]",
                                self.text_of(side),
                                t.name()
                            ),
                            side.span(),
                        ));
                    }
                }
                let ((l, r), _) = self.unify_cmp(e, (l, lt), (r, rt))?;
                let cop = match op {
                    BinaryOp::Eq => CmpOp::Eq,
                    BinaryOp::Neq => CmpOp::Neq,
                    BinaryOp::Lt => CmpOp::Lt,
                    BinaryOp::Lte => CmpOp::Lte,
                    BinaryOp::Gt => CmpOp::Gt,
                    _ => CmpOp::Gte,
                };
                Ok((
                    CExpr::Cmp {
                        op: cop,
                        l: Box::new(l),
                        r: Box::new(r),
                        site: self.site(e),
                    },
                    EsqlType::Boolean,
                ))
            }
            _ => {
                let aop = match op {
                    BinaryOp::Add => ArithOp::Add,
                    BinaryOp::Sub => ArithOp::Sub,
                    BinaryOp::Mul => ArithOp::Mul,
                    BinaryOp::Div => ArithOp::Div,
                    _ => ArithOp::Mod,
                };
                let ty = arith_type(aop, lt, rt).ok_or_else(|| {
                    err(
                        "esql::type_mismatch",
                        format!(
                            "[{}] has arguments with incompatible types [{}] and [{}]",
                            aop.symbol(),
                            lt.error_name(),
                            rt.error_name()
                        ),
                        e.span(),
                    )
                })?;
                Ok((
                    CExpr::Arith {
                        op: aop,
                        l: Box::new(l),
                        r: Box::new(r),
                        ty,
                        site: self.site(e),
                    },
                    ty,
                ))
            }
        }
    }

    fn function(&mut self, e: &Expr, call: &FunctionCall) -> Result<(CExpr, EsqlType), Diagnostic> {
        let name = call.name.name.as_str();
        if let Some(kind) = AggKind::lookup(name) {
            return self.aggregate(e, call, kind);
        }
        if let Some(reason) = func::unsupported_reason(name) {
            return Err(err(
                "esql::unsupported_function",
                format!(
                    "function [{}] is not supported by trailhound: {reason}",
                    name.to_ascii_uppercase()
                ),
                call.span,
            ));
        }
        let Some(f) = Func::lookup(name) else {
            return Err(err(
                "esql::unknown_function",
                format!("Unknown function [{name}]"),
                call.name.span,
            ));
        };
        if call.options.is_some() {
            return Err(err(
                "esql::verification",
                format!("function [{name}] does not take named options"),
                call.span,
            ));
        }
        let args: &[Expr] = match &call.args {
            FunctionArgs::Star => {
                return Err(err(
                    "esql::verification",
                    format!("* is only allowed in COUNT, found [{}]", self.text_of(e)),
                    call.span,
                ));
            }
            FunctionArgs::List(a) => a,
        };
        let mut compiled = Vec::new();
        for a in args {
            let (c, t) = self.expr(a)?;
            compiled.push((c, t, Some(a)));
        }
        self.call(e, f, compiled)
    }

    fn call(
        &mut self,
        e: &Expr,
        f: Func,
        mut args: Vec<(CExpr, EsqlType, Option<&Expr>)>,
    ) -> Result<(CExpr, EsqlType), Diagnostic> {
        // Implicit casts of string literals where dates, IPs or spans are expected.
        let n = args.len();
        let expects = |i: usize| -> Option<EsqlType> {
            match (f, i) {
                (Func::DateDiff, 1 | 2)
                | (Func::DateTrunc, 1)
                | (Func::DateExtract, 1)
                | (Func::DayName | Func::MonthName, 0) => Some(EsqlType::Date),
                (Func::DateFormat, _) if i + 1 == n => Some(EsqlType::Date),
                (Func::CidrMatch | Func::IpPrefix, 0) => Some(EsqlType::Ip),
                _ => None,
            }
        };
        for i in 0..n {
            let target = expects(i);
            let (c, t, _) = &args[i];
            if let (Some(to), Some(v @ EsqlValue::Str(_))) = (target, c.konst())
                && t.is_string()
            {
                let converted = func::convert(v, to).map_err(|m| {
                    err(
                        "esql::type_mismatch",
                        format!(
                            "Cannot convert string [{v}] to [{}], error [{}]",
                            to.error_name().to_uppercase(),
                            m.text()
                        ),
                        e.span(),
                    )
                })?;
                args[i] = (CExpr::Const(converted), to, args[i].2);
            }
            if f == Func::DateTrunc
                && i == 0
                && let (Some(v @ EsqlValue::Str(_)), true) =
                    (args[0].0.konst(), args[0].1.is_string())
            {
                let as_duration = func::convert(v, EsqlType::TimeDuration);
                let as_period = func::convert(v, EsqlType::DatePeriod);
                if let Some((c, t)) = as_duration
                    .map(|x| (x, EsqlType::TimeDuration))
                    .ok()
                    .or_else(|| as_period.ok().map(|x| (x, EsqlType::DatePeriod)))
                {
                    args[0] = (CExpr::Const(c), t, args[0].2);
                }
            }
        }
        let text = self.text_of(e);
        let arg_t: Vec<ArgT> = args
            .iter()
            .map(|(c, t, _)| ArgT {
                ty: *t,
                konst: c.konst().cloned(),
            })
            .collect();
        let checked =
            func::check(f, &arg_t, &text).map_err(|m| err("esql::type_mismatch", m, e.span()))?;
        let site = self.site(e);
        let ty = checked.ty;
        let compiled = match f {
            Func::Case => {
                let mut it = args.into_iter().map(|(c, _, _)| c);
                let mut pairs = Vec::new();
                let mut default = None;
                loop {
                    match (it.next(), it.next()) {
                        (Some(c), Some(v)) => pairs.push((c, v)),
                        (Some(d), None) => {
                            default = Some(Box::new(d));
                            break;
                        }
                        _ => break,
                    }
                }
                CExpr::Case {
                    pairs,
                    default,
                    ty,
                    site,
                }
            }
            Func::Coalesce => CExpr::Coalesce {
                args: args.into_iter().map(|(c, _, _)| c).collect(),
                ty,
            },
            f if func::is_elementwise(f) => {
                let arg = args
                    .into_iter()
                    .next()
                    .map_or(CExpr::Const(EsqlValue::Null), |a| a.0);
                CExpr::Elementwise {
                    func: f,
                    e: Box::new(arg),
                    to: func::target_of(f),
                    site,
                }
            }
            _ => CExpr::Call {
                func: f,
                args: args.into_iter().map(|a| a.0).collect(),
                ty,
                prep: checked.prep,
                site,
            },
        };
        Ok((compiled, ty))
    }

    fn aggregate(
        &mut self,
        e: &Expr,
        call: &FunctionCall,
        kind: AggKind,
    ) -> Result<(CExpr, EsqlType), Diagnostic> {
        let Some(mut collector) = self.agg.take() else {
            return Err(err(
                "esql::verification",
                format!(
                    "aggregate function [{}] not allowed outside STATS command",
                    self.text_of(e)
                ),
                call.span,
            ));
        };
        let star = matches!(call.args, FunctionArgs::Star);
        let mut args = Vec::new();
        let mut arg_info = Vec::new();
        let result = (|| {
            if let FunctionArgs::List(list) = &call.args {
                for a in list {
                    let (c, t) = self.expr(a)?;
                    arg_info.push((t, c.konst().cloned()));
                    args.push(c);
                }
            }
            Ok::<(), Diagnostic>(())
        })();
        if let Err(d) = result {
            self.agg = Some(collector);
            return Err(if d.message.contains("not allowed outside STATS") {
                err(
                    "esql::verification",
                    format!(
                        "aggregate function's field must be non-aggregate; found [{}]",
                        self.text_of(e)
                    ),
                    d.span,
                )
            } else {
                d
            });
        }
        let text = self.text_of(e);
        let spec = match agg::check(kind, &arg_info, star, &text) {
            Ok(s) => s,
            Err(m) => {
                self.agg = Some(collector);
                return Err(err("esql::type_mismatch", m, e.span()));
            }
        };
        // `COUNT(*)` / `COUNT()` count rows: no argument.
        if kind == AggKind::Count && (star || args.is_empty()) {
            args.clear();
        }
        let ty = spec.ty;
        let slot = self.new_col();
        let site = self.site(e);
        collector.calls.push(AggCall {
            slot,
            spec,
            args,
            filter: None,
            site,
        });
        self.agg = Some(collector);
        Ok((CExpr::Col(slot), ty))
    }

    /// A predicate every event satisfies when `e` evaluates to `want` (a necessary condition).
    fn necessary(&self, e: &Expr, want: bool) -> Pred {
        let any = Pred::Const(true);
        match e {
            Expr::Binary {
                op: BinaryOp::And,
                left,
                right,
                ..
            } => {
                let (l, r) = (self.necessary(left, want), self.necessary(right, want));
                if want {
                    Pred::and(vec![l, r])
                } else {
                    Pred::or(vec![l, r])
                }
            }
            Expr::Binary {
                op: BinaryOp::Or,
                left,
                right,
                ..
            } => {
                let (l, r) = (self.necessary(left, want), self.necessary(right, want));
                if want {
                    Pred::or(vec![l, r])
                } else {
                    Pred::and(vec![l, r])
                }
            }
            Expr::Not { operand, .. } => self.necessary(operand, !want),
            Expr::Binary {
                op, left, right, ..
            } if op.is_comparison() => {
                let (field, konst) = match (self.source_field(left), self.source_field(right)) {
                    (Some(f), None) => (f, string_literal(right)),
                    (None, Some(f)) => (f, string_literal(left)),
                    _ => return any,
                };
                let (fld, ty) = field;
                let exists = Pred::Exists(fld.clone());
                match (op, konst, ty.is_string()) {
                    (BinaryOp::Eq, Some(s), true) => {
                        let t = Pred::Test(fld, text_test(TextOp::Eq(s.into())));
                        if want {
                            t
                        } else {
                            Pred::and(vec![exists, Pred::negate(t)])
                        }
                    }
                    (BinaryOp::Neq, Some(s), true) => {
                        let t = Pred::Test(fld, text_test(TextOp::Eq(s.into())));
                        if want {
                            Pred::and(vec![exists, Pred::negate(t)])
                        } else {
                            t
                        }
                    }
                    _ if is_null_literal(left) || is_null_literal(right) => Pred::Const(false),
                    _ => exists,
                }
            }
            Expr::In {
                expr,
                list,
                negated,
                ..
            } => {
                let Some((fld, ty)) = self.source_field(expr) else {
                    return any;
                };
                let consts: Option<Vec<&str>> = list.iter().map(string_literal).collect();
                let exists = Pred::Exists(fld.clone());
                match consts {
                    Some(c) if ty.is_string() && !c.is_empty() => {
                        let t = Pred::Test(
                            fld,
                            text_test(TextOp::In(c.iter().map(|s| (*s).into()).collect())),
                        );
                        if want != *negated {
                            t
                        } else {
                            Pred::and(vec![exists, Pred::negate(t)])
                        }
                    }
                    _ => exists,
                }
            }
            Expr::Like {
                kind,
                expr,
                patterns,
                negated,
                ..
            } => {
                let Some((fld, ty)) = self.source_field(expr) else {
                    return any;
                };
                if want == *negated || !ty.is_string() {
                    return Pred::Exists(fld);
                }
                let tests: Option<Vec<Pred>> = patterns
                    .iter()
                    .map(|p| {
                        let op = match kind {
                            LikeKind::Like => {
                                Some(TextOp::Glob(Glob::parse_backslash(&p.value, false)))
                            }
                            LikeKind::RLike => regex_literal_prefix(&p.value),
                        };
                        op.map(|op| Pred::Test(fld.clone(), text_test(op)))
                    })
                    .collect();
                tests.map_or(Pred::Exists(fld), Pred::or)
            }
            Expr::IsNull { expr, negated, .. } => {
                let Some((fld, ty)) = self.source_field(expr) else {
                    return any;
                };
                if want == *negated {
                    // IS NOT NULL: some value converts, so the field has a value.
                    Pred::Exists(fld)
                } else if ty.is_string() {
                    // Every value of a keyword field converts: null means no value at all.
                    Pred::negate(Pred::Exists(fld))
                } else {
                    any
                }
            }
            Expr::Function(call) if want && call.name.name.eq_ignore_ascii_case("starts_with") => {
                match &call.args {
                    FunctionArgs::List(a) if a.len() == 2 => {
                        match (self.source_field(&a[0]), string_literal(&a[1])) {
                            (Some((fld, ty)), Some(prefix)) if ty.is_string() => {
                                Pred::Test(fld, text_test(TextOp::Prefix(prefix.into())))
                            }
                            _ => any,
                        }
                    }
                    _ => any,
                }
            }
            _ => any,
        }
    }

    /// The view field behind `e` when it names an unmodified source column.
    fn source_field(&self, e: &Expr) -> Option<(trailhound_event::Field, EsqlType)> {
        let Expr::Field(q) = e else { return None };
        let name = q.name();
        let col = self.scope.iter().rev().find(|c| c.name == name)?;
        match &self.sources.get(col.id)?.kind {
            SrcKind::Field(f) => Some((f.clone(), col.ty)),
            _ => None,
        }
    }
}

/// An exact, case-sensitive text test whose value texts are the ones the executor reads from a
/// keyword column (objects as compact JSON), so the test agrees with ES|QL on every value.
fn text_test(op: TextOp) -> Test {
    Test::text(op, false, TextMode::Json)
}

/// `RLIKE` patterns that are a literal (`Eq`) or a literal followed by `.*` (`Prefix`).
fn regex_literal_prefix(pattern: &str) -> Option<TextOp> {
    const SPECIAL: &[char] = &[
        '.', '?', '+', '*', '|', '{', '}', '[', ']', '(', ')', '"', '\\', '#', '@', '&', '<', '>',
        '~',
    ];
    let end = pattern.find(SPECIAL).unwrap_or(pattern.len());
    let (lit, rest) = pattern.split_at(end);
    match rest {
        "" => Some(TextOp::Eq(lit.into())),
        ".*" if !lit.is_empty() => Some(TextOp::Prefix(lit.into())),
        _ => None,
    }
}

fn string_literal(e: &Expr) -> Option<&str> {
    match e {
        Expr::Literal(Literal {
            value: LiteralValue::String(s),
            ..
        }) => Some(s),
        _ => None,
    }
}

fn is_null_literal(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Literal(Literal {
            value: LiteralValue::Null,
            ..
        })
    )
}

/// Whether an index pattern (`*` wildcards) matches the CloudTrail data stream, one of its
/// backing indices, or Filebeat's indices.
fn matches_cloudtrail(pattern: &str) -> bool {
    let g = Glob::parse_backslash(pattern, false);
    CLOUDTRAIL_INDICES.iter().any(|name| g.matches(name))
}

fn es_type(t: FieldType) -> EsqlType {
    match t {
        FieldType::Keyword => EsqlType::Keyword,
        FieldType::Text => EsqlType::Text,
        FieldType::Long => EsqlType::Long,
        FieldType::Double => EsqlType::Double,
        FieldType::Boolean => EsqlType::Boolean,
        FieldType::Date => EsqlType::Date,
        FieldType::Ip => EsqlType::Ip,
        FieldType::Flattened | FieldType::GeoPoint | FieldType::Object => EsqlType::Unsupported,
    }
}

fn literal(v: &LiteralValue) -> Result<(CExpr, EsqlType), String> {
    let (value, ty) = literal_value(v)?;
    Ok((CExpr::Const(value), ty))
}

fn literal_value(v: &LiteralValue) -> Result<(EsqlValue, EsqlType), String> {
    Ok(match v {
        LiteralValue::Null => (EsqlValue::Null, EsqlType::Null),
        LiteralValue::Bool(b) => (EsqlValue::Bool(*b), EsqlType::Boolean),
        LiteralValue::Integer(i) => match i32::try_from(*i) {
            Ok(x) => (EsqlValue::Int(x), EsqlType::Integer),
            Err(_) => (EsqlValue::Long(*i), EsqlType::Long),
        },
        LiteralValue::UnsignedLong(u) => (EsqlValue::UnsignedLong(*u), EsqlType::UnsignedLong),
        LiteralValue::Double(d) => (EsqlValue::Double(*d), EsqlType::Double),
        LiteralValue::String(s) => (EsqlValue::str(s), EsqlType::Keyword),
        LiteralValue::TimeSpan { amount, unit } => {
            let v = func::span_value(*amount, *unit)
                .ok_or_else(|| format!("time span [{amount} {}] is out of range", unit.name()))?;
            let t = if unit.is_date_period() {
                EsqlType::DatePeriod
            } else {
                EsqlType::TimeDuration
            };
            (v, t)
        }
        LiteralValue::Array(items) => {
            let mut vals = Vec::new();
            let mut ty = EsqlType::Null;
            for it in items {
                let (v, t) = literal_value(it)?;
                ty = if ty == EsqlType::Null {
                    t
                } else {
                    EsqlType::widen(ty, t).unwrap_or(ty)
                };
                vals.push(v);
            }
            let vals = vals
                .into_iter()
                .map(|v| func::coerce(&v, ty).unwrap_or(v))
                .collect();
            (EsqlValue::from_values(vals), ty)
        }
    })
}

fn arith_type(op: ArithOp, lt: EsqlType, rt: EsqlType) -> Option<EsqlType> {
    use EsqlType::*;
    if lt == Null && rt == Null {
        return Some(Null);
    }
    if lt.is_numeric() && (rt.is_numeric() || rt == Null) || rt.is_numeric() && lt == Null {
        let other = if lt == Null { rt } else { lt };
        return if rt == Null || lt == Null {
            Some(other)
        } else {
            EsqlType::widen(lt, rt)
        };
    }
    match (op, lt, rt) {
        (ArithOp::Add | ArithOp::Sub, Date, t) if t.is_span() || t == Null => Some(Date),
        (ArithOp::Add, t, Date) if t.is_span() => Some(Date),
        (ArithOp::Add | ArithOp::Sub, Null, Date) => Some(Date),
        (ArithOp::Add | ArithOp::Sub, a, b) if a == b && a.is_span() => Some(a),
        (ArithOp::Add | ArithOp::Sub, a, Null) | (ArithOp::Add | ArithOp::Sub, Null, a)
            if a.is_span() =>
        {
            Some(a)
        }
        _ => None,
    }
}

/// Elasticsearch's `StringUtils.findSimilar`: names whose Levenshtein similarity (1 - distance /
/// longer length) is at least 0.5, best first.
fn similar_names<'n>(name: &str, candidates: impl Iterator<Item = &'n str>) -> Vec<String> {
    let mut scored: Vec<(f64, String)> = Vec::new();
    for c in candidates {
        let score = similarity(name, c);
        if c != name && score >= 0.5 && !scored.iter().any(|(_, n)| n == c) {
            scored.push((score, c.to_owned()));
        }
    }
    // Stable: equal scores keep the table's column order, as Elasticsearch's timSort does.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().map(|(_, n)| n).collect()
}

fn similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    1.0 - prev[b.len()] as f64 / longest as f64
}

/// For each stage index (and one past the end), the columns stages from there on read, up to
/// and including the next `STATS`; with no `STATS` ahead, also the output columns.
fn needed_columns(stages: &[Stage], output: &[(String, EsqlType, ColId)]) -> Vec<Vec<ColId>> {
    let mut out = Vec::with_capacity(stages.len() + 1);
    for i in 0..=stages.len() {
        let mut set: Vec<ColId> = Vec::new();
        let mut add = |id: ColId| {
            if !set.contains(&id) {
                set.push(id);
            }
        };
        let mut stats_ahead = false;
        for s in &stages[i..] {
            s.columns(&mut add);
            if matches!(s, Stage::Stats(_)) {
                stats_ahead = true;
                break;
            }
        }
        if !stats_ahead {
            for (_, _, id) in output {
                add(*id);
            }
        }
        out.push(set);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_names_follow_levenshtein() {
        let names = ["event.action", "event.outcome", "user.name"];
        let similar = similar_names("evnt.action", names.iter().copied());
        assert_eq!(similar.first().map(String::as_str), Some("event.action"));
        assert!(!similar.contains(&"user.name".to_string()));
        assert!(similar_names("zzz", names.iter().copied()).is_empty());
    }

    #[test]
    fn index_patterns() {
        for (p, want) in [
            ("logs-aws.cloudtrail-*", true),
            ("logs-aws.cloudtrail*", true),
            ("logs-*", true),
            ("*", true),
            ("filebeat-*", true),
            ("logs-aws.cloudtrail-default", true),
            ("logs-endpoint.events.process-*", false),
            (".alerts-security.*", false),
            ("logs-aws.guardduty-*", false),
        ] {
            assert_eq!(matches_cloudtrail(p), want, "{p}");
        }
    }
}
