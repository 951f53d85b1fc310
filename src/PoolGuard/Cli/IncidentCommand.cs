using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PoolGuard.Incidents.Analysis;
using PoolGuard.Incidents.Markdown;
using PoolGuard.Incidents.Store;

namespace PoolGuard.Cli;

/// <summary>
/// `poolguard incident import FILE.md | list | show ID`: postmortem records kept in a store, each with its
/// misleading-path analysis. Exit code 0, or 2 for a document that cannot become a record, an unknown id, bad
/// options or a store that cannot be opened — each with the reason.
/// </summary>
internal static class IncidentCommand
{
    public static Command Create()
    {
        var command = new Command("incident", "Postmortem records: import them from Markdown, list them, show one with its misleading-path analysis");
        command.Subcommands.Add(Import());
        command.Subcommands.Add(Draft());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Export());
        command.Subcommands.Add(Stats());
        foreach (var edit in IncidentEditCommands.Create(StoreOption))
        {
            command.Subcommands.Add(edit);
        }
        return command;
    }

    private static Option<string?> StoreOption() =>
        new("--store")
        {
            Description = $"where records are kept: a SQLite file (default {SqliteIncidentStore.DefaultFile()}), or a team's PostgreSQL as postgresql://user@host/db or an Npgsql string",
        };

    private static Command Import()
    {
        var file = new Argument<string>("FILE") { Description = "a Markdown postmortem (Issue Summary / Timeline / Root Cause and Resolution / Corrective and Preventative Measures)" };
        var date = new Option<string?>("--date") { Description = "the day the timeline's times are on (YYYY-MM-DD), when its Duration line names none" };
        var zone = new Option<string?>("--time-zone") { Description = "the time zone the document's times are in (IANA, e.g. Europe/Berlin; default UTC)" };
        var id = new Option<string?>("--id") { Description = "the record's id (default: its date and title)" };
        var json = new Option<string?>("--json") { Description = "also write the record as JSON to this file" };
        var store = StoreOption();
        var command = new Command("import", "Read a Markdown postmortem into a record: timeline kinds and investigation paths from its wording, what was skipped reported") { file, date, zone, id, json, store };
        command.Validators.Add(result =>
        {
            if (result.GetValue(date) is { } text && !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                result.AddError($"--date '{text}' is not a date: write 2024-03-02");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            string markdown;
            try
            {
                markdown = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return Fail($"cannot read {path}: {ex.Message}");
            }
            ImportResult imported;
            try
            {
                imported = PostmortemImporter.Import(markdown, new ImportOptions
                {
                    Date = parse.GetValue(date) is { } day ? DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
                    TimeZone = parse.GetValue(zone),
                    Id = parse.GetValue(id),
                });
            }
            catch (IncidentImportException ex)
            {
                return Fail($"{path}: {ex.Message}");
            }
            return await Stored(parse.GetValue(store), async target =>
            {
                await target.SaveAsync(imported.Incident, cancellationToken).ConfigureAwait(false);
                Console.Out.Write(IncidentText.Imported(path, imported, target.Location));
                Console.Out.Write(IncidentText.Analysis(imported.Incident, IncidentAnalysis.Analyze(imported.Incident)));
                if (parse.GetValue(json) is { } output)
                {
                    await File.WriteAllTextAsync(output, JsonSerializer.Serialize(imported.Incident, IncidentJson.Default.Incident) + "\n", cancellationToken).ConfigureAwait(false);
                }
                return ExitCodes.Ok;
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Draft()
    {
        var events = new Option<string>("--events") { Description = "the gateway's event log (event_log_file: JSON lines)", Required = true };
        var from = new Option<string?>("--from") { Description = "the first moment to take, UTC ISO 8601 (2026-11-24T14:00:00Z); default: the file's start" };
        var to = new Option<string?>("--to") { Description = "the last moment to take; default: the file's end" };
        var title = new Option<string?>("--title") { Description = "the record's title (default: drafted from the pools the events name)" };
        var id = new Option<string?>("--id") { Description = "the record's id (default: the first event's time and 'draft')" };
        var store = StoreOption();
        var command = new Command("draft", "Draft a record's timeline from the gateway's events (saturation, refusals, alerts, reloads, pauses) for a responder to annotate")
        {
            events, from, to, title, id, store,
        };
        command.Validators.Add(result =>
        {
            foreach (var option in new[] { from, to })
            {
                if (result.GetValue(option) is { } text && Moment(text) is null)
                {
                    result.AddError($"{option.Name} '{text}' is not a moment: write 2026-11-24T14:00:00Z");
                }
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(events)!;
            string[] lines;
            try
            {
                lines = await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return Fail($"cannot read {path}: {ex.Message}");
            }
            ImportResult drafted;
            try
            {
                drafted = PoolGuard.Incidents.Drafting.EventDraft.FromLines(lines, new PoolGuard.Incidents.Drafting.DraftOptions
                {
                    From = parse.GetValue(from) is { } f ? Moment(f) : null,
                    To = parse.GetValue(to) is { } t ? Moment(t) : null,
                    Title = parse.GetValue(title),
                    Id = parse.GetValue(id),
                });
            }
            catch (IncidentImportException ex)
            {
                return Fail($"{path}: {ex.Message}");
            }
            return await Stored(parse.GetValue(store), async target =>
            {
                await target.SaveAsync(drafted.Incident, cancellationToken).ConfigureAwait(false);
                Console.Out.Write(IncidentText.Imported(path, drafted, target.Location));
                Console.Out.Write(IncidentText.Record(drafted.Incident));
                return ExitCodes.Ok;
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static DateTimeOffset? Moment(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;

    private static Command List()
    {
        var store = StoreOption();
        var command = new Command("list", "The records kept, the most recent incident first") { store };
        command.SetAction(async (parse, cancellationToken) =>
        {
            return await Stored(parse.GetValue(store), async source =>
            {
                Console.Out.Write(IncidentText.List(await source.ListAsync(cancellationToken).ConfigureAwait(false), source.Location));
                return ExitCodes.Ok;
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Show()
    {
        var id = new Argument<string>("ID") { Description = "a record's id, as `incident list` shows it" };
        var store = StoreOption();
        var command = new Command("show", "One record: summary, timeline with its paths, action items, and the analysis") { id, store };
        command.SetAction(async (parse, cancellationToken) =>
        {
            return await Stored(parse.GetValue(store), async source =>
            {
                if (await source.GetAsync(parse.GetValue(id)!, cancellationToken).ConfigureAwait(false) is not { } incident)
                {
                    return Fail($"no incident '{parse.GetValue(id)}' in {source.Location} (poolguard incident list shows the ids)");
                }
                Console.Out.Write(IncidentText.Record(incident));
                Console.Out.Write(incident.Timeline.Count == 0
                    ? "analysis: no timeline yet (poolguard incident add-entry adds to it)\n"
                    : IncidentText.Analysis(incident, IncidentAnalysis.Analyze(incident)));
                return ExitCodes.Ok;
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Stats()
    {
        var store = StoreOption();
        var command = new Command("stats", "Every record's measures, oldest first, and how each measure moved between the earlier and the later half") { store };
        command.SetAction(async (parse, cancellationToken) => await Stored(parse.GetValue(store), async source =>
        {
            var incidents = new List<PoolGuard.Incidents.Model.Incident>();
            foreach (var summary in await source.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await source.GetAsync(summary.Id, cancellationToken).ConfigureAwait(false) is { } incident)
                {
                    incidents.Add(incident);
                }
            }
            var (rows, trends) = IncidentTrend.Of(incidents);
            Console.Out.Write(IncidentText.Stats(rows, trends, source.Location));
            return ExitCodes.Ok;
        }).ConfigureAwait(false));
        return command;
    }

    private static Command Export()
    {
        var id = new Argument<string>("ID") { Description = "a record's id, as `incident list` shows it" };
        var format = new Option<string>("--format") { Description = "markdown (the form import reads: import it again for the same record) or json", DefaultValueFactory = _ => "markdown" };
        format.AcceptOnlyFromAmong("markdown", "json");
        var output = new Option<string?>("--output", "-o") { Description = "write to this file instead of stdout" };
        var store = StoreOption();
        var command = new Command("export", "Write a record as Markdown (import → export → import gives the same record) or JSON") { id, format, output, store };
        command.SetAction(async (parse, cancellationToken) =>
        {
            return await Stored(parse.GetValue(store), async source =>
            {
                if (await source.GetAsync(parse.GetValue(id)!, cancellationToken).ConfigureAwait(false) is not { } incident)
                {
                    return Fail($"no incident '{parse.GetValue(id)}' in {source.Location} (poolguard incident list shows the ids)");
                }
                var text = parse.GetValue(format) == "json"
                    ? JsonSerializer.Serialize(incident, IncidentJson.Default.Incident) + "\n"
                    : PostmortemExporter.Export(incident);
                if (parse.GetValue(output) is { } file)
                {
                    await File.WriteAllTextAsync(file, text, cancellationToken).ConfigureAwait(false);
                    Console.Error.WriteLine($"poolguard incident: {incident.Id} written to {Path.GetFullPath(file)}");
                }
                else
                {
                    Console.Out.Write(text);
                }
                return ExitCodes.Ok;
            }).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Opens the store --store names and runs the verb on it; a store that cannot be opened or read exits 2 with why.</summary>
    private static async Task<int> Stored(string? store, Func<IIncidentStore, Task<int>> action)
    {
        try
        {
            return await action(IncidentStores.Open(store)).ConfigureAwait(false);
        }
        catch (IncidentStoreException ex)
        {
            return Fail(ex.Message);
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"poolguard incident: {message}");
        return ExitCodes.InvalidConfig;
    }
}
