using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;
using PoolGuard.LoadTest.History;
using PoolGuard.LoadTest.Report;
using PoolGuard.LoadTest.Results;
using PoolGuard.LoadTest.Running;
using PoolGuard.LoadTest.Sampling;
using PoolGuard.LoadTest.Scripts;
using PoolGuard.LoadTest.Sweep;
using PoolGuard.LoadTest.Workloads;

namespace PoolGuard.Cli;

/// <summary>
/// `poolguard loadtest WORKLOAD --connection CONNSTRING [--clients N | --rate R] [--duration 30s] [--threshold …]
/// [--json FILE] [--init --scale N]`: load against any PostgreSQL endpoint, directly or through a gateway.
/// Exit code: 0 every threshold holds, 1 a threshold was crossed, 2 a usage error or an endpoint that cannot run the
/// workload (unreachable, refused, tables missing) — found before any load.
/// </summary>
internal static class LoadTestCommand
{
    private static readonly Dictionary<string, Func<IWorkload>> Workloads = new(StringComparer.Ordinal)
    {
        ["select-only"] = () => new SelectOnlyWorkload(),
        ["tpcb-like"] = () => new TpcbLikeWorkload(),
        ["connect-storm"] = () => new ConnectStormWorkload(),
        ["hold"] = () => new HoldWorkload(),
    };

    public static Command Create()
    {
        var workload = new Argument<string[]>("WORKLOAD")
        {
            Description = "select-only, tpcb-like, connect-storm or hold; or one or more SQL scripts, FILE[@WEIGHT] (pgbench-style \\set NAME random(LOW, HIGH), :NAME)",
            Arity = ArgumentArity.OneOrMore,
        };
        var connection = new Option<string>("--connection", "-c") { Description = "an Npgsql connection string or a postgresql:// URI (password from PGPASSWORD)", Required = true };
        var clients = new Option<int>("--clients") { Description = "concurrent clients (closed model), or the most in flight with --rate", DefaultValueFactory = _ => 8 };
        var rate = new Option<double?>("--rate") { Description = "open model: transactions started per second whatever the endpoint does; latency counts from each intended start" };
        var duration = new Option<string>("--duration", "-d") { Description = "how long: 30s, 2m, 500ms", DefaultValueFactory = _ => "30s" };
        var warmup = new Option<string>("--warmup") { Description = "run the same load unmeasured this long first (the JIT, the server's caches): 0s, 2s", DefaultValueFactory = _ => "0s" };
        var thresholds = new Option<string[]>("--threshold") { Description = "a condition that must hold, e.g. p99<50ms, tps>2000, errors<0.1% (repeatable)", AllowMultipleArgumentsPerToken = false };
        var json = new Option<string?>("--json") { Description = "write the result (totals and one point per second) to this file" };
        var init = new Option<bool>("--init") { Description = "create and fill the pgbench tables first (select-only, tpcb-like)" };
        var scale = new Option<int>("--scale") { Description = "with --init: 100,000 accounts per unit", DefaultValueFactory = _ => 1 };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "no live line" };
        var findKnee = new Option<bool>("--find-knee") { Description = "step the clients up (1, 2, 4, … up to --clients), each step --duration long, until throughput stops rising, p99 crosses --knee-p99 or errors appear" };
        var store = LoadTestHistoryCommands.StoreOption();
        var label = new Option<string?>("--label") { Description = "a name for this run in the history (e.g. 2026-Q4), for compare --baseline" };
        var stages = new Option<string[]>("--stage")
        {
            Description = "ramp: DURATION:TARGET, repeatable (e.g. --stage 10s:16 --stage 30s:16 --stage 10s:0); each moves the clients (or, with --rate, the arrival rate) linearly to TARGET, the first from --clients/--rate (0 when not given); the run lasts their sum",
            AllowMultipleArgumentsPerToken = false,
        };
        var report = new Option<string?>("--report") { Description = "write a self-contained HTML report with charts (throughput, latency, errors, and what was sampled) to this file" };
        var database = new Option<string?>("--database")
        {
            Description = "the database behind the endpoint, sampled each second for its connections (pg_stat_activity; pg_monitor shows every state): an Npgsql string or a postgresql:// URI",
        };
        var gateway = new Option<string?>("--gateway") { Description = "a gateway's admin HTTP endpoint or /metrics URL (PoolGuard's, or pgbouncer_exporter's), sampled each second for its pools" };
        gateway.Validators.Add(result =>
        {
            if (HttpUri(result.GetValueOrDefault<string?>()) is null)
            {
                result.AddError("--gateway must be an http(s) URL such as http://127.0.0.1:9930");
            }
        });
        var token = new Option<string?>("--token")
        {
            Description = "admin_http_token of the gateway (default: $POOLGUARD_ADMIN_TOKEN)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("POOLGUARD_ADMIN_TOKEN"),
        };
        var kneeP99 = new Option<string>("--knee-p99") { Description = "with --find-knee or --sweep-pool-size: the p99 a step may not cross", DefaultValueFactory = _ => "100ms" };
        var sweep = new Option<bool>("--sweep-pool-size")
        {
            Description = "through the PoolGuard whose admin endpoint --gateway names: run --clients for --duration once per pool size (SET default_pool_size live, put back after) and recommend the smallest with the best throughput at p99 under --knee-p99",
        };
        var poolSizes = new Option<string?>("--pool-sizes") { Description = "with --sweep-pool-size: the sizes to try, e.g. 2,4,8,16 (default 1, 2, 4, … up to --clients)" };
        var command = new Command("loadtest", "Load a PostgreSQL endpoint (directly or through PoolGuard) and measure throughput, latency percentiles and errors")
        {
            workload, connection, clients, rate, duration, stages, warmup, thresholds, json, report, database, gateway, token, init, scale, quiet, findKnee, sweep, poolSizes, kneeP99, store, label,
        };
        command.Subcommands.Add(LoadTestHistoryCommands.History());
        command.Subcommands.Add(LoadTestHistoryCommands.Compare());
        command.Validators.Add(result =>
        {
            if (result.GetValue(workload) is { Length: > 1 } several && several.Any(Workloads.ContainsKey))
            {
                result.AddError("a built-in workload runs alone; several WORKLOADs must all be scripts (FILE[@WEIGHT])");
            }
            if (result.GetResult(clients) is not null && result.GetValue(clients) < 1)
            {
                result.AddError("--clients must be at least 1");
            }
            if (result.GetValue(findKnee) && result.GetValue(rate) is not null)
            {
                result.AddError("--find-knee steps the clients of the closed model: leave out --rate");
            }
            if (result.GetResult(kneeP99) is not null && (ParseDuration(result.GetValue(kneeP99)!) is null || !result.GetValue(kneeP99)!.EndsWith('s')))
            {
                result.AddError($"--knee-p99 '{result.GetValue(kneeP99)}' is not a latency: write 100ms or 0.5s");
            }
            if (result.GetValue(rate) is <= 0)
            {
                result.AddError("--rate must be above 0");
            }
            if (result.GetResult(scale) is not null && result.GetValue(scale) < 1)
            {
                result.AddError("--scale must be at least 1");
            }
            if (result.GetResult(warmup) is not null && ParseDuration(result.GetValue(warmup)!) is null)
            {
                result.AddError($"--warmup '{result.GetValue(warmup)}' is not a duration: write 0s, 2s or 500ms");
            }
            if (result.GetResult(duration) is not null && ParseDuration(result.GetValue(duration)!) is not { Ticks: > 0 })
            {
                result.AddError($"--duration '{result.GetValue(duration)}' is not a duration: write 30s, 2m or 500ms");
            }
            foreach (var text in result.GetValue(stages) ?? [])
            {
                if (!TryParseStage(text, out _))
                {
                    result.AddError($"--stage '{text}' is not DURATION:TARGET: write 30s:16 (16 clients, or 16 arrivals/s with --rate)");
                }
            }
            if (result.GetValue(stages) is { Length: > 0 } && result.GetResult(duration) is { Implicit: false })
            {
                result.AddError("--stage sets the run's length (the sum of the stages): leave out --duration");
            }
            if (result.GetValue(stages) is { Length: > 0 } && (result.GetValue(findKnee) || result.GetValue(sweep)))
            {
                result.AddError("--find-knee and --sweep-pool-size make their own steps: leave out --stage");
            }
            if (result.GetValue(sweep))
            {
                if (result.GetValue(findKnee))
                {
                    result.AddError("--sweep-pool-size holds the clients and turns the pool; --find-knee turns the clients: choose one");
                }
                if (result.GetValue(rate) is not null)
                {
                    result.AddError("--sweep-pool-size runs the closed model at --clients: leave out --rate");
                }
                if (result.GetValue(gateway) is null)
                {
                    result.AddError("--sweep-pool-size turns the pool of a running PoolGuard: give its admin endpoint with --gateway http://127.0.0.1:9930 (and --token)");
                }
            }
            if (result.GetValue(poolSizes) is { } sizes && PoolSizes(sizes) is null)
            {
                result.AddError($"--pool-sizes '{sizes}' is not a list of sizes from 1 up: write 2,4,8,16");
            }
            if (result.GetValue(poolSizes) is not null && !result.GetValue(sweep))
            {
                result.AddError("--pool-sizes goes with --sweep-pool-size");
            }
            foreach (var text in result.GetValue(thresholds) ?? [])
            {
                if (!Threshold.TryParse(text, out _, out var problem))
                {
                    result.AddError($"--threshold {problem}");
                }
            }
        });
        command.SetAction((parse, cancellationToken) => Workload(parse.GetValue(workload)!) is { } chosen
            ? RunAsync(chosen, parse.GetValue(connection)!, parse.GetValue(clients), parse.GetValue(rate),
            Course(parse.GetValue(stages), parse.GetResult(clients) is { Implicit: false } ? parse.GetValue(clients) : null, parse.GetValue(rate))
                is { } course ? new Timing(course.Duration, course) : new Timing(ParseDuration(parse.GetValue(duration)!)!.Value, null),
            ParseDuration(parse.GetValue(warmup)!)!.Value,
            [.. (parse.GetValue(thresholds) ?? []).Select(t => Threshold.TryParse(t, out var parsed, out _) ? parsed! : throw new InvalidOperationException(t))],
            new Outputs(parse.GetValue(json), parse.GetValue(report)), new SampleSources(parse.GetValue(database), HttpUri(parse.GetValue(gateway)), parse.GetValue(token)),
            parse.GetValue(init) ? parse.GetValue(scale) : null, parse.GetValue(quiet),
            new Searching(parse.GetValue(findKnee), parse.GetValue(sweep), ParseDuration(parse.GetValue(kneeP99)!)!.Value.TotalMilliseconds,
                parse.GetValue(poolSizes) is { } sizes ? PoolSizes(sizes) : null),
            new RunHistory(parse.GetValue(store) ?? RunHistory.DefaultFile()), parse.GetValue(label), cancellationToken)
            : Task.FromResult(ExitCodes.InvalidConfig));
        return command;
    }

    /// <summary>A built-in workload by name, or the scripts named FILE[@WEIGHT]; null (reported) when a script cannot be read.</summary>
    private static IWorkload? Workload(string[] names)
    {
        if (names is [var single] && Workloads.TryGetValue(single, out var builtIn))
        {
            return builtIn();
        }
        var scripts = new List<LoadScript>();
        foreach (var name in names)
        {
            var at = name.LastIndexOf('@');
            var (file, weight) = at > 0 && int.TryParse(name[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var w) ? (name[..at], w) : (name, 1);
            if (!File.Exists(file))
            {
                Console.Error.WriteLine($"poolguard loadtest: '{file}' is neither a workload ({string.Join(", ", Workloads.Keys)}) nor a script file");
                return null;
            }
            if (weight < 1)
            {
                Console.Error.WriteLine($"poolguard loadtest: {name}: a weight is at least 1");
                return null;
            }
            try
            {
                scripts.Add(LoadScript.Parse(Path.GetFileName(file), File.ReadAllText(file), weight));
            }
            catch (FormatException ex)
            {
                Console.Error.WriteLine($"poolguard loadtest: {ex.Message}");
                return null;
            }
        }
        return new ScriptWorkload(scripts);
    }

    /// <summary>--pool-sizes 2,4,8: distinct sizes of 1 and more, in ascending order; null when it does not parse.</summary>
    internal static IReadOnlyList<int>? PoolSizes(string text)
    {
        var sizes = new SortedSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1)
            {
                return null;
            }
            sizes.Add(size);
        }
        return sizes.Count == 0 ? null : [.. sizes];
    }

    /// <summary>The --stage ramp, starting from --rate (open model) or the --clients given (closed), else 0; null without stages.</summary>
    private static LoadSchedule? Course(string[]? stages, int? clients, double? rate) => stages is { Length: > 0 }
        ? new LoadSchedule(rate ?? clients ?? 0, [.. stages.Select(text => TryParseStage(text, out var stage) ? stage! : throw new InvalidOperationException(text))])
        : null;

    private static bool TryParseStage(string text, out Stage? stage)
    {
        stage = null;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || ParseDuration(text[..colon]) is not { Ticks: > 0 } length
            || !double.TryParse(text[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var target) || target < 0 || !double.IsFinite(target))
        {
            return false;
        }
        stage = new Stage(length, target);
        return true;
    }

    private static async Task<int> RunAsync(IWorkload workload, string connection, int clients, double? rate, Timing timing, TimeSpan warmup,
        IReadOnlyList<Threshold> thresholds, Outputs outputs, SampleSources sources, int? initScale, bool quiet, Searching searching, RunHistory history, string? label,
        CancellationToken cancellationToken)
    {
        if (!PoolGuard.LoadTest.Running.Endpoint.TryParse(connection, out var endpoint, out var problem))
        {
            Console.Error.WriteLine($"poolguard loadtest: {problem}");
            return ExitCodes.InvalidConfig;
        }
        if (Samplers(sources) is not { } samplers)
        {
            return ExitCodes.InvalidConfig;
        }
        try
        {
            return await RunAsync(workload, endpoint!, clients, rate, timing, warmup, thresholds, outputs, samplers, sources, initScale, quiet, searching, history, label, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var sampler in samplers)
            {
                await sampler.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The samplers --database and --gateway ask for; null (reported) when --database does not parse.</summary>
    private static List<IResourceSampler>? Samplers(SampleSources sources)
    {
        var samplers = new List<IResourceSampler>();
        if (sources.Database is { } text)
        {
            if (!PoolGuard.LoadTest.Running.Endpoint.TryParse(text, out var database, out var problem, "--database"))
            {
                Console.Error.WriteLine($"poolguard loadtest: {problem}");
                return null;
            }
            samplers.Add(new DatabaseSampler(database!.ConnectionString, database.Display));
        }
        if (sources.Gateway is { } gateway)
        {
            samplers.Add(new GatewayMetricsSampler(gateway, sources.Token));
        }
        return samplers;
    }

    private static async Task<int> RunAsync(IWorkload workload, PoolGuard.LoadTest.Running.Endpoint endpoint, int clients, double? rate, Timing timing, TimeSpan warmup,
        IReadOnlyList<Threshold> thresholds, Outputs outputs, IReadOnlyList<IResourceSampler> samplers, SampleSources sources, int? initScale, bool quiet, Searching searching,
        RunHistory history, string? label, CancellationToken cancellationToken)
    {
        var duration = timing.Duration;
        if (rate is null && timing.Course is { } ramp)
        {
            clients = (int)Math.Ceiling(ramp.Peak); // the closed model's clients follow the ramp: enough for its peak
        }
        var builder = new NpgsqlConnectionStringBuilder(endpoint.ConnectionString)
        {
            ApplicationName = $"poolguard loadtest {workload.Name}",
            MaxPoolSize = clients + 2,
            Timeout = 15,
            // connect-storm measures the connection itself: no pool may hide it.
            Pooling = workload is not ConnectStormWorkload,
        };
        await using var dataSource = NpgsqlDataSource.Create(builder);
        try
        {
            if (initScale is { } scale)
            {
                await PgbenchTables.InitialiseAsync(dataSource, scale, step => Console.Error.WriteLine($"poolguard loadtest --init: {step}"), cancellationToken).ConfigureAwait(false);
            }
            if (searching.Knee)
            {
                return await FindKneeAsync(workload, dataSource, endpoint.Display, clients, duration, warmup, searching.P99LimitMs, thresholds, outputs, samplers, quiet, cancellationToken).ConfigureAwait(false);
            }
            if (searching.Sweep)
            {
                await using var admin = new GatewayAdmin(sources.Gateway!, sources.Token);
                var plan = new PoolSweepPlan(admin, builder.Database ?? builder.Username ?? "", builder.Username ?? "", searching.PoolSizes ?? KneeFinder.Doubling(clients),
                    clients, duration, warmup, searching.P99LimitMs, samplers);
                return await LoadTestSweep.RunAsync(workload, dataSource, endpoint.Display, plan, thresholds, outputs, quiet, cancellationToken).ConfigureAwait(false);
            }
            var load = new LoadPlan(endpoint.Display, clients, duration, rate) { Warmup = warmup, Samplers = samplers, Schedule = timing.Course };
            Console.Error.WriteLine($"poolguard loadtest: {workload.Name} on {endpoint.Display}, {LoadTestText.Plan(load)}");
            LoadTestResult result;
            await using (var progress = LoadProgress.Create(quiet, $"{workload.Name} on {endpoint.Display}", (warmup + duration).TotalSeconds, perSecondLines: true))
            {
                progress.Stage(LoadTestText.Plan(load));
                result = await LoadRunner.RunAsync(workload, dataSource, load, point =>
                {
                    if (timing.Course is { } course)
                    {
                        var index = course.StageAt(point.At);
                        progress.Stage($"stage {index + 1} of {course.Stages.Count}: to {course.Stages[index].Target.ToString("0.###", CultureInfo.InvariantCulture)}"
                            + $"{(rate is null ? " client(s)" : " arrivals/s")} over {course.Stages[index].Duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s");
                    }
                    progress.Point(point);
                }, cancellationToken).ConfigureAwait(false);
            }
            var verdicts = Verdicts(thresholds, result);
            Console.Out.Write(LoadTestText.Summary(result, verdicts));
            var id = await history.SaveAsync(result, label, cancellationToken).ConfigureAwait(false);
            Console.Error.WriteLine($"poolguard loadtest: kept as run {id} in {history.File} (poolguard loadtest compare {id})");
            await outputs.WriteAsync(() => JsonSerializer.Serialize(new LoadTestDocument(result, verdicts), LoadTestJsonContext.Default.LoadTestDocument),
                () => HtmlReport.ForRun(result, verdicts), cancellationToken).ConfigureAwait(false);
            return verdicts.All(v => v.Passed) ? ExitCodes.Ok : ExitCodes.Failed;
        }
        catch (LoadTestSetupException ex)
        {
            Console.Error.WriteLine($"poolguard loadtest: {ex.Message}");
            return ExitCodes.InvalidConfig;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            Console.Error.WriteLine($"poolguard loadtest: {endpoint.Display}: {ex.Message}");
            return ExitCodes.InvalidConfig;
        }
    }

    private static async Task<int> FindKneeAsync(IWorkload workload, NpgsqlDataSource dataSource, string endpoint, int maximum, TimeSpan step, TimeSpan warmup, double p99Limit,
        IReadOnlyList<Threshold> thresholds, Outputs outputs, IReadOnlyList<IResourceSampler> samplers, bool quiet, CancellationToken cancellationToken)
    {
        var steps = KneeFinder.Doubling(maximum);
        Console.Error.WriteLine($"poolguard loadtest --find-knee: {workload.Name} on {endpoint}, clients {string.Join(", ", steps)}, {step.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s each");
        KneeResult knee;
        await using (var progress = LoadProgress.Create(quiet, $"{workload.Name} on {endpoint}, knee search", steps.Count * (warmup + step).TotalSeconds, perSecondLines: false))
        {
            var number = 0;
            knee = await KneeFinder.FindAsync(workload, dataSource, endpoint, steps, step, warmup, p99Limit, samplers, new StepProgress<KneeStep>(
                clients => progress.Stage($"{clients} client(s), step {++number} of at most {steps.Count}"), progress.Point,
                done => progress.StepDone(LoadTestText.Step(done))), cancellationToken).ConfigureAwait(false);
        }
        var verdicts = Verdicts(thresholds, knee.Knee.Result);
        Console.Out.Write(LoadTestText.Knee(knee, verdicts));
        await outputs.WriteAsync(() => JsonSerializer.Serialize(new KneeDocument(knee.Knee.Clients, knee.Knee.Result.Tps, knee.Knee.Result.Latency, knee.StoppedBecause,
            knee.Explanation, [.. knee.Steps.Select(s => new KneeStepDocument(s.Clients, s.InFlight, s.Result))], verdicts), LoadTestJsonContext.Default.KneeDocument),
            () => HtmlReport.ForKnee(knee, verdicts), cancellationToken).ConfigureAwait(false);
        return verdicts.All(v => v.Passed) ? ExitCodes.Ok : ExitCodes.Failed;
    }

    internal static List<ThresholdVerdict> Verdicts(IReadOnlyList<Threshold> thresholds, LoadTestResult result) =>
        [.. thresholds.Select(t => new ThresholdVerdict(t.Text, t.Measure(result), t.Passes(result)))];

    private static Uri? HttpUri(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;

    /// <summary>30s, 2m, 500ms, 00:00:30 or plain seconds, read as the configuration reads durations; null when negative or not one.</summary>
    internal static TimeSpan? ParseDuration(string text) =>
        PoolGuard.Config.Values.DurationParser.TryParse(text, out var value) && value >= TimeSpan.Zero ? value : null;
}

/// <summary>How long the run lasts: --duration, or the sum of the --stage ramp (then <paramref name="Course"/>).</summary>
internal sealed record Timing(TimeSpan Duration, LoadSchedule? Course);

/// <summary>--find-knee or --sweep-pool-size (or neither), the p99 their steps may not cross, and --pool-sizes.</summary>
internal sealed record Searching(bool Knee, bool Sweep, double P99LimitMs, IReadOnlyList<int>? PoolSizes);

/// <summary>Where --database, --gateway and --token point the samplers.</summary>
internal sealed record SampleSources(string? Database, Uri? Gateway, string? Token);

/// <summary>--json and --report: each written when asked for, the report announced on stderr.</summary>
internal sealed record Outputs(string? Json, string? Report)
{
    public async Task WriteAsync(Func<string> json, Func<string> report, CancellationToken cancellationToken)
    {
        if (Json is not null)
        {
            await File.WriteAllTextAsync(Json, json() + "\n", cancellationToken).ConfigureAwait(false);
        }
        if (Report is not null)
        {
            await File.WriteAllTextAsync(Report, report(), cancellationToken).ConfigureAwait(false);
            Console.Error.WriteLine($"poolguard loadtest: report written to {Path.GetFullPath(Report)}");
        }
    }
}

/// <summary>`loadtest --json`: the result and each threshold's verdict.</summary>
internal sealed record LoadTestDocument(LoadTestResult Result, IReadOnlyList<ThresholdVerdict> Thresholds);

/// <summary>`loadtest --find-knee --json`: the knee, why the search stopped, and every step.</summary>
internal sealed record KneeDocument(int KneeClients, double KneeTps, Percentiles KneeLatency, string StoppedBecause, string Explanation,
    IReadOnlyList<KneeStepDocument> Steps, IReadOnlyList<ThresholdVerdict> Thresholds);

internal sealed record KneeStepDocument(int Clients, double InFlight, LoadTestResult Result);

/// <summary>`loadtest --sweep-pool-size --json`: the recommendation (null when no size kept within the limits), the best, why, and every size.</summary>
internal sealed record SweepDocument(int? RecommendedPoolSize, int BestPoolSize, double BestTps, double P99LimitMs, string Explanation, int RestoredTo,
    IReadOnlyList<SweepStepDocument> Steps, IReadOnlyList<ThresholdVerdict> Thresholds);

/// <summary>
/// One size of a sweep, with Little's law on the servers: busy servers (throughput × server time), how long each
/// transaction held one (the gateway's counters), how long it waited, and the busy servers as the samples read them.
/// </summary>
internal sealed record SweepStepDocument(int PoolSize, double? ServersBusy, double? ServerMs, double? WaitMs, double? ServersBusySampled, LoadTestResult Result);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(LoadTestDocument))]
[JsonSerializable(typeof(KneeDocument))]
[JsonSerializable(typeof(SweepDocument))]
internal sealed partial class LoadTestJsonContext : JsonSerializerContext;
