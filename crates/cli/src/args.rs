//! Command-line arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Run Elastic, Datadog and Sigma detection rules, as written, over raw AWS CloudTrail logs.
#[derive(Debug, Parser)]
#[command(name = "trailhound", version, about, long_about = None, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Exit codes, shown in `--help`.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  done
  1  done, but some input was skipped (each problem is reported on stderr)
  2  usage error, or a rule or query that does not compile";

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Hunt: run detection rules over logs and print alerts.
    Hunt(HuntArgs),
    /// Print every record as the chosen view would index it, one JSON document per line.
    Normalize(NormalizeArgs),
    /// Inspect rules: list, validate, ATT&CK coverage, rule tests.
    Rules(RulesArgs),
    /// An alert's investigation guide with the triggering event's values filled in.
    Explain(ExplainArgs),
    /// One ad-hoc KQL, EQL, ES|QL or Datadog query over logs.
    Query(QueryArgs),
    /// Elastic hunting queries (ES|QL): list them, or run one by name.
    HuntQuery(HuntQueryArgs),
    /// One actor's activity across the logs: first and last seen, actions, errors, regions,
    /// user agents, source addresses and the alerts it raised.
    Investigate(InvestigateArgs),
    /// Generate realistic CloudTrail with injected attack techniques and their ground truth.
    Simulate(SimulateArgs),
    /// Read, decompress and parse every record, and nothing else: the floor `bench/run.sh`
    /// measures hunts against.
    #[command(hide = true)]
    Scan(ScanArgs),
    /// Score alerts against a simulation's ground truth: detected and missed techniques, and
    /// alerts on background traffic.
    Fidelity(FidelityArgs),
}

/// `trailhound investigate`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("actor").required(true).args(["principal", "access_key", "ip"])))]
pub struct InvestigateArgs {
    /// The principal's ARN (`userIdentity.arn`); a role ARN also matches its sessions.
    #[arg(long, value_name = "ARN")]
    pub principal: Option<String>,
    /// An access key id (`userIdentity.accessKeyId`).
    #[arg(long, value_name = "ID")]
    pub access_key: Option<String>,
    /// A source address or CIDR block (`sourceIPAddress`).
    #[arg(long, value_name = "ADDRESS")]
    pub ip: Option<String>,
    /// Rules whose alerts to show (default: the bundled pack).
    #[arg(long, short = 'r', value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Print one JSON document instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Rows per table (most frequent first).
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// Input options.
    #[command(flatten)]
    pub input: InputArgs,
}

/// `trailhound simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Write CloudTrail's S3 delivery layout (`AWSLogs/…/*.json.gz`, five-minute files) and
    /// `ground-truth.jsonl` under this directory.
    #[arg(long, value_name = "DIR", conflicts_with = "ndjson", required_unless_present_any = ["ndjson", "list_attacks"])]
    pub out: Option<PathBuf>,
    /// Write one record per line, in time order, to this file (`-`: standard output).
    #[arg(long, value_name = "FILE")]
    pub ndjson: Option<PathBuf>,
    /// With `--ndjson`: write the ground truth (one injected event per line) to this file.
    #[arg(long, value_name = "FILE", requires = "ndjson")]
    pub ground_truth: Option<PathBuf>,
    /// Background events (attack events come on top).
    #[arg(long, short = 'n', default_value_t = 100_000)]
    pub events: u64,
    /// Days the simulation covers.
    #[arg(long, short = 'd', default_value_t = 1)]
    pub days: u32,
    /// Start of the window (RFC 3339 date or time; default 2024-01-01).
    #[arg(long, value_name = "TIME")]
    pub start: Option<String>,
    /// Seed: the same seed and options write the same bytes.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Number of AWS accounts.
    #[arg(long, default_value_t = 3)]
    pub accounts: u32,
    /// Regions (comma-separated); the first is the home region, where attacks run.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "us-east-1,us-west-2,eu-west-1"
    )]
    pub regions: Vec<String>,
    /// Inject an attack technique (repeatable), spread over the window or at `ID@TIME`.
    #[arg(long, short = 'a', value_name = "ID[@TIME]")]
    pub attack: Vec<String>,
    /// Inject every technique once.
    #[arg(long)]
    pub all_attacks: bool,
    /// List the techniques and exit.
    #[arg(long)]
    pub list_attacks: bool,
    /// No summary on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// `trailhound fidelity`.
#[derive(Debug, Args)]
pub struct FidelityArgs {
    /// The simulation's ground truth (`ground-truth.jsonl`).
    #[arg(long, value_name = "FILE")]
    pub ground_truth: PathBuf,
    /// The alerts (`hunt --format jsonl` output).
    #[arg(long, value_name = "FILE")]
    pub alerts: PathBuf,
    /// Print the report as one JSON document.
    #[arg(long)]
    pub json: bool,
}

/// `trailhound query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The query language.
    #[arg(long, short = 'l', value_enum)]
    pub lang: QueryLang,
    /// The query text.
    pub query: String,
    /// Which vocabulary matching records are printed in (KQL, EQL, Datadog).
    #[arg(long, value_enum, default_value_t = ViewArg::Raw)]
    pub view: ViewArg,
    /// How an ES|QL result table is printed.
    #[arg(long, short = 'f', value_enum, default_value_t = QueryOutput::Table)]
    pub format: QueryOutput,
    /// Input options.
    #[command(flatten)]
    pub input: InputArgs,
}

/// Query languages of `trailhound query`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum QueryLang {
    /// Kibana Query Language, over the ECS view.
    Kql,
    /// Event Query Language, over the ECS view (event queries and sequences).
    Eql,
    /// ES|QL, over the ECS view; prints the result table.
    Esql,
    /// Datadog log search syntax, over the Datadog view.
    Datadog,
}

/// Result-table formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum QueryOutput {
    /// An aligned text table.
    Table,
    /// One JSON object per row.
    Jsonl,
    /// Comma-separated values with a header.
    Csv,
}

/// `trailhound hunt-query`.
#[derive(Debug, Args)]
pub struct HuntQueryArgs {
    /// Where the hunting queries are (default: the bundled pack).
    #[arg(long, short = 'r', value_name = "PATH", global = true)]
    pub rules: Vec<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: HuntQueryCommand,
}

/// `trailhound hunt-query` subcommands.
#[derive(Debug, Subcommand)]
pub enum HuntQueryCommand {
    /// Every hunting query: file name, title, ATT&CK techniques.
    List,
    /// Run one hunting query (by file name, title or id) and print its table.
    Run {
        /// File name (without `.toml`), title or id.
        name: String,
        /// How the result table is printed.
        #[arg(long, short = 'f', value_enum, default_value_t = QueryOutput::Table)]
        format: QueryOutput,
        /// Input options.
        #[command(flatten)]
        input: InputArgs,
    },
}

/// `trailhound explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The alert id (or the start of it).
    pub id: String,
    /// The alerts file (`hunt --format jsonl` output).
    #[arg(long, value_name = "FILE")]
    pub alerts: PathBuf,
    /// Where the rule is (default: the file the alert names, or the bundled pack).
    #[arg(long, short = 'r', value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// A Sigma field-mapping file.
    #[arg(long, value_name = "FILE")]
    pub sigma_mapping: Option<PathBuf>,
}

/// `trailhound rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Rule files or directories, as with `hunt` (the same as giving them as paths).
    #[arg(long, short = 'r', value_name = "PATH", global = true)]
    pub rules: Vec<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: RulesCommand,
}

/// `trailhound rules` subcommands. Without paths they work on the bundled pack.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Every rule: id, name, source, type, severity, tactics, techniques, runnable or why not.
    List {
        /// Rule files or directories.
        paths: Vec<PathBuf>,
        /// A Sigma field-mapping file.
        #[arg(long, value_name = "FILE")]
        sigma_mapping: Option<PathBuf>,
        /// One JSON object per rule instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Every error (file:line:column) and warning; exit code 2 when a rule is broken.
    Validate {
        /// Rule files or directories.
        paths: Vec<PathBuf>,
        /// A Sigma field-mapping file.
        #[arg(long, value_name = "FILE")]
        sigma_mapping: Option<PathBuf>,
    },
    /// The ATT&CK tactics and techniques the rules cover.
    Coverage {
        /// Rule files or directories.
        paths: Vec<PathBuf>,
        /// A Sigma field-mapping file.
        #[arg(long, value_name = "FILE")]
        sigma_mapping: Option<PathBuf>,
        /// Also write an ATT&CK Navigator layer (format 4.5) scored by rule count.
        #[arg(long, value_name = "FILE")]
        navigator: Option<PathBuf>,
    },
    /// Run the rules' test files (`*.test.json`); exit code 1 when a case fails.
    Test {
        /// Rule and test files or directories.
        paths: Vec<PathBuf>,
        /// A Sigma field-mapping file.
        #[arg(long, value_name = "FILE")]
        sigma_mapping: Option<PathBuf>,
    },
}

/// `trailhound scan` (hidden: a benchmark floor).
#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Only read and decompress every input on the worker threads, parsing nothing: the
    /// decompression floor, with the library the hunt uses.
    #[arg(long)]
    pub decompress_only: bool,
}

/// Options shared by every command that reads logs.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files or directories to read (`.json`, `.json.gz`, NDJSON, arrays; `-` for stdin).
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<String>,
    /// Only events at or after this time (2024-05-01, 2024-05-01T10:00:00Z, now-7d).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only events before this time.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// The time `now` means in relative times (default: the real time).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// MaxMind database (GeoLite2/GeoIP2 City or ASN) for source.geo.*, source.as.* and
    /// network.client.geoip.*; repeat for both.
    #[arg(long, value_name = "PATH")]
    pub geoip: Vec<PathBuf>,
    /// Largest record accepted; larger ones are skipped and reported.
    #[arg(long, value_name = "BYTES", default_value_t = trailhound_ingest::split::DEFAULT_MAX_RECORD_BYTES)]
    pub max_record_bytes: usize,
    /// Deepest JSON nesting accepted; deeper records are skipped and reported.
    #[arg(long, value_name = "LEVELS", default_value_t = trailhound_ingest::split::DEFAULT_MAX_DEPTH)]
    pub max_depth: usize,
    /// No progress bar, no summary, no problem messages (problems still set the exit code).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

/// The vocabularies `normalize` can print.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ViewArg {
    /// The record as CloudTrail wrote it.
    Raw,
    /// The document Elastic's AWS integration indexes (ECS).
    Ecs,
    /// The record with Datadog's CloudTrail attributes added.
    Datadog,
}

/// `trailhound normalize`.
#[derive(Debug, Args)]
pub struct NormalizeArgs {
    /// Which vocabulary to print.
    #[arg(long, value_enum, default_value_t = ViewArg::Ecs)]
    pub view: ViewArg,
    /// Elastic pipeline generation to reproduce (for comparing with older clusters).
    #[arg(long, value_enum, default_value_t = GenerationArg::Latest, hide = true)]
    pub ecs_generation: GenerationArg,
    /// Input options.
    #[command(flatten)]
    pub input: InputArgs,
}

/// `--ecs-generation` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GenerationArg {
    /// Pipelines up to 0046748f.
    Legacy,
    /// Pipeline 0f775e78.
    V0f775e78,
    /// Pipeline 0b97ab02.
    V0b97ab02,
    /// Pipeline 02fd8215.
    V02fd8215,
    /// The current pipeline.
    Latest,
}

impl GenerationArg {
    /// The event crate's generation.
    pub fn generation(self) -> trailhound_event::Generation {
        use trailhound_event::Generation as G;
        match self {
            GenerationArg::Legacy => G::Legacy,
            GenerationArg::V0f775e78 => G::V0f775e78,
            GenerationArg::V0b97ab02 => G::V0b97ab02,
            GenerationArg::V02fd8215 => G::V02fd8215,
            GenerationArg::Latest => G::Latest,
        }
    }
}

/// Alert output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// A table sorted by time (default on a terminal).
    Table,
    /// One JSON alert document per line (default otherwise).
    Jsonl,
    /// Comma-separated values with a header.
    Csv,
    /// Elastic alert documents (`kibana.alert.*`) as `_bulk` API lines for `.alerts-security.alerts-default`.
    Ecs,
    /// One SARIF 2.1.0 log (for CI code-scanning tools).
    Sarif,
    /// Alerts and their events grouped by principal, in time order.
    Timeline,
}

/// `trailhound hunt`.
#[derive(Debug, Args)]
pub struct HuntArgs {
    /// Rule files or directories (Elastic TOML, Datadog JSON/YAML, Sigma YAML); repeatable.
    /// Without it, the rule pack built into trailhound runs.
    #[arg(long, short = 'r', value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// A Sigma field-mapping file (field renames and `|expand` placeholder values).
    #[arg(long, value_name = "FILE")]
    pub sigma_mapping: Option<PathBuf>,
    /// Output format (default: table on a terminal, JSON Lines otherwise).
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<FormatArg>,
    /// Write alerts to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Report every match: do not replay Elastic's schedule (interval, look-back, max_signals).
    #[arg(long)]
    pub no_replay: bool,
    /// Logs to learn history from before hunting (new_terms rules), without alerting.
    #[arg(long, value_name = "PATH")]
    pub history: Vec<PathBuf>,
    /// Also print alerts of building-block rules (hidden by default, as in Elastic).
    #[arg(long)]
    pub include_building_blocks: bool,
    /// An exceptions file (TOML): conditions in KQL, EQL, Datadog or Sigma that keep events out
    /// of the rules they name; repeatable. See the README's "Exceptions".
    #[arg(long, value_name = "FILE")]
    pub exceptions: Vec<PathBuf>,
    /// Write the alerts exceptions suppressed to this file (JSON Lines, each with `exception`).
    #[arg(long, value_name = "FILE")]
    pub excepted: Option<PathBuf>,
    /// Keys each stateful rule may hold (group-by values, join keys, new terms); past it the
    /// least recently used key is evicted and counted in the summary.
    #[arg(long, value_name = "N", default_value_t = trailhound_engine::state::DEFAULT_MAX_KEYS)]
    pub max_keys: usize,
    /// Input options.
    #[command(flatten)]
    pub input: InputArgs,
}
