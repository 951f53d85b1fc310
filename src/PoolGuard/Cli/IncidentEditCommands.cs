using System.CommandLine;
using System.Globalization;
using PoolGuard.Incidents.Editing;
using PoolGuard.Incidents.Model;
using PoolGuard.Incidents.Store;

namespace PoolGuard.Cli;

/// <summary>
/// The verbs that change a record: new, add-entry, open-path, close-path, action add / done, status. Each loads the
/// record, applies one <see cref="IncidentEdits"/> change, saves it and says what changed; a bad id, kind, time or
/// an edit that does not fit exits 2 with the reason and leaves the record as it was.
/// </summary>
internal static class IncidentEditCommands
{
    private const string AtHelp = "when: ISO 8601 with its offset (2024-03-02T10:30:00Z), or 'YYYY-MM-DD HH:MM' in the incident's time zone";

    public static IEnumerable<Command> Create(Func<Option<string?>> storeOption)
    {
        yield return New(storeOption());
        yield return AddEntry(storeOption());
        yield return OpenPath(storeOption());
        yield return ClosePath(storeOption());
        yield return Action(storeOption);
        yield return Status(storeOption());
    }

    private static Command New(Option<string?> store)
    {
        var title = new Option<string>("--title") { Description = "what happened, in a line", Required = true };
        var id = new Option<string?>("--id") { Description = "the record's id (default: today's date and the title)" };
        var severity = new Option<string>("--severity") { Description = "SEV1 … SEV4, or your own scale", DefaultValueFactory = _ => "SEV2" };
        var zone = new Option<string>("--time-zone") { Description = "the zone its times are shown in (IANA)", DefaultValueFactory = _ => "UTC" };
        var command = new Command("new", "Start an empty record, to fill with add-entry, open-path and close-path as the incident unfolds") { title, id, severity, zone, store };
        command.SetAction((parse, cancellationToken) => Run(parse, store, async source =>
        {
            var zoneName = parse.GetValue(zone)!;
            if (zoneName != "UTC" && !TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out _))
            {
                throw new IncidentEditException($"unknown time zone '{zoneName}': give an IANA name such as Europe/Berlin");
            }
            var name = parse.GetValue(id) ?? $"{DateTime.UtcNow:yyyy-MM-dd}-{Slug(parse.GetValue(title)!)}";
            if (await source.GetAsync(name, cancellationToken).ConfigureAwait(false) is not null)
            {
                throw new IncidentEditException($"{name} exists already in {source.Location}: choose another --id");
            }
            await source.SaveAsync(new Incident(name, parse.GetValue(title)!) { Severity = parse.GetValue(severity)!, TimeZone = zoneName }, cancellationToken).ConfigureAwait(false);
            return $"created {name} in {source.Location}";
        }));
        return command;
    }

    private static Command AddEntry(Option<string?> store)
    {
        var (id, at) = (IdArgument(), AtOption());
        var kind = new Option<string>("--kind") { Description = "impact-start, detection, alert, acknowledgement, investigation, escalation, mitigation, resolution or note", Required = true };
        var text = new Option<string>("--text") { Description = "what happened", Required = true };
        var path = new Option<string?>("--path") { Description = "the investigation path it belongs to (P1, …)" };
        var source = new Option<string?>("--source") { Description = "who or what says so (a person, a tool)" };
        var evidence = new Option<string[]>("--evidence") { Description = "a link to the evidence (repeatable)" };
        var command = new Command("add-entry", "Add a timeline entry") { id, at, kind, text, path, source, evidence, store };
        command.SetAction((parse, cancellationToken) => Edit(parse, store, id, cancellationToken, incident =>
        {
            var entryKind = Kind(parse.GetValue(kind)!);
            var entry = new TimelineEntry(At(parse.GetValue(at)!, incident), entryKind, parse.GetValue(text)!)
            {
                PathId = parse.GetValue(path)?.ToUpperInvariant(), Source = parse.GetValue(source), Evidence = parse.GetValue(evidence) ?? [],
            };
            return (IncidentEdits.AddEntry(incident, entry), $"added a {parse.GetValue(kind)} entry at {Show(entry.At)}");
        }));
        return command;
    }

    private static Command OpenPath(Option<string?> store)
    {
        var (id, at) = (IdArgument(), AtOption());
        var hypothesis = new Option<string>("--hypothesis") { Description = "what was suspected, e.g. \"a DDoS attack\"", Required = true };
        var source = new Option<string?>("--source") { Description = "who suspected it" };
        var command = new Command("open-path", "Open an investigation path: a hypothesis the responders follow") { id, at, hypothesis, source, store };
        command.SetAction((parse, cancellationToken) => Edit(parse, store, id, cancellationToken, incident =>
        {
            var opened = IncidentEdits.OpenPath(incident, At(parse.GetValue(at)!, incident), parse.GetValue(hypothesis)!, parse.GetValue(source));
            return (opened, $"opened {opened.Paths[^1].Id}: {parse.GetValue(hypothesis)}");
        }));
        return command;
    }

    private static Command ClosePath(Option<string?> store)
    {
        var (id, at) = (IdArgument(), AtOption());
        var path = new Argument<string>("PATH") { Description = "the path's id (P1, …)" };
        var outcome = new Option<string>("--outcome") { Description = "confirmed (the cause) or ruled-out (a misleading path)", Required = true };
        outcome.AcceptOnlyFromAmong("confirmed", "ruled-out");
        var because = new Option<string>("--because") { Description = "what confirmed it or ruled it out", Required = true };
        var source = new Option<string?>("--source") { Description = "who closed it" };
        var command = new Command("close-path", "Close an investigation path as confirmed or ruled out, with what decided it") { id, path, at, outcome, because, source, store };
        command.SetAction((parse, cancellationToken) => Edit(parse, store, id, cancellationToken, incident =>
        {
            var result = parse.GetValue(outcome) == "confirmed" ? PathOutcome.Confirmed : PathOutcome.RuledOut;
            var closed = IncidentEdits.ClosePath(incident, parse.GetValue(path)!, At(parse.GetValue(at)!, incident), result, parse.GetValue(because)!, parse.GetValue(source));
            return (closed, $"closed {parse.GetValue(path)!.ToUpperInvariant()} as {parse.GetValue(outcome)}");
        }));
        return command;
    }

    private static Command Action(Func<Option<string?>> storeOption)
    {
        var command = new Command("action", "Action items: add one, or mark one done");
        var store = storeOption();
        var id = IdArgument();
        var title = new Option<string>("--title") { Description = "what is to be done", Required = true };
        var kind = new Option<string>("--kind") { Description = "prevent, mitigate, detect or process", Required = true };
        kind.AcceptOnlyFromAmong("prevent", "mitigate", "detect", "process");
        var owner = new Option<string?>("--owner") { Description = "who owns it" };
        var due = new Option<string?>("--due") { Description = "by when (YYYY-MM-DD)" };
        var link = new Option<string?>("--link") { Description = "its ticket" };
        var add = new Command("add", "Add an action item") { id, title, kind, owner, due, link, store };
        add.SetAction((parse, cancellationToken) => Edit(parse, store, id, cancellationToken, incident =>
        {
            DateOnly? by = parse.GetValue(due) is { } text
                ? DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : throw new IncidentEditException($"--due '{text}' is not a date: write 2024-04-01")
                : null;
            var action = new ActionItem(parse.GetValue(title)!, Enum.Parse<ActionKind>(parse.GetValue(kind)!, ignoreCase: true))
            {
                Owner = parse.GetValue(owner), Due = by, Link = parse.GetValue(link),
            };
            var added = IncidentEdits.AddAction(incident, action);
            return (added, $"added action item {added.ActionItems.Count}: {action.Title}");
        }));
        var doneStore = storeOption();
        var doneId = IdArgument();
        var number = new Argument<int>("N") { Description = "the action item's number, as show lists them (1, 2, …)" };
        var done = new Command("done", "Mark an action item done") { doneId, number, doneStore };
        done.SetAction((parse, cancellationToken) => Edit(parse, doneStore, doneId, cancellationToken, incident =>
            (IncidentEdits.ActionDone(incident, parse.GetValue(number)), $"action item {parse.GetValue(number)} done")));
        command.Subcommands.Add(add);
        command.Subcommands.Add(done);
        return command;
    }

    private static Command Status(Option<string?> store)
    {
        var id = IdArgument();
        var status = new Argument<string>("STATUS") { Description = "draft, in-review, reviewed or closed" };
        status.AcceptOnlyFromAmong("draft", "in-review", "reviewed", "closed");
        var command = new Command("status", "Move the review on: draft → in-review → reviewed → closed (or back to draft)") { id, status, store };
        command.SetAction((parse, cancellationToken) => Edit(parse, store, id, cancellationToken, incident =>
        {
            var next = parse.GetValue(status) switch { "in-review" => IncidentStatus.InReview, "reviewed" => IncidentStatus.Reviewed, "closed" => IncidentStatus.Closed, _ => IncidentStatus.Draft };
            return (IncidentEdits.SetStatus(incident, next), $"{incident.Id} is {parse.GetValue(status)}");
        }));
        return command;
    }

    private static Argument<string> IdArgument() => new("ID") { Description = "a record's id, as `incident list` shows it" };

    private static Option<string> AtOption() => new("--at") { Description = AtHelp, Required = true };

    /// <summary>Loads the record, applies the edit, saves it, prints what changed.</summary>
    private static Task<int> Edit(ParseResult parse, Option<string?> store, Argument<string> id, CancellationToken cancellationToken, Func<Incident, (Incident Changed, string Said)> edit) =>
        Run(parse, store, async source =>
        {
            var name = parse.GetValue(id)!;
            var incident = await source.GetAsync(name, cancellationToken).ConfigureAwait(false)
                ?? throw new IncidentEditException($"no incident '{name}' in {source.Location} (poolguard incident list shows the ids)");
            var (changed, said) = edit(incident);
            await source.SaveAsync(changed, cancellationToken).ConfigureAwait(false);
            return $"{name}: {said}";
        });

    private static async Task<int> Run(ParseResult parse, Option<string?> store, Func<IIncidentStore, Task<string>> action)
    {
        try
        {
            Console.Out.WriteLine(await action(IncidentStores.Open(parse.GetValue(store))).ConfigureAwait(false));
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is IncidentEditException or IncidentStoreException)
        {
            Console.Error.WriteLine($"poolguard incident: {ex.Message}");
            return ExitCodes.InvalidConfig;
        }
    }

    private static EntryKind Kind(string text) => text.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant() switch
    {
        "impactstart" => EntryKind.ImpactStart,
        "hypothesis" => throw new IncidentEditException("a hypothesis opens a path: use open-path"),
        var name when Enum.TryParse<EntryKind>(name, ignoreCase: true, out var kind) => kind,
        _ => throw new IncidentEditException($"unknown kind '{text}': impact-start, detection, alert, acknowledgement, investigation, escalation, mitigation, resolution or note"),
    };

    /// <summary>An instant with its offset, or a wall-clock time in the incident's zone.</summary>
    internal static DateTimeOffset At(string text, Incident incident)
    {
        if (text.Contains('T', StringComparison.Ordinal) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var exact))
        {
            return exact;
        }
        if (DateTime.TryParseExact(text, ["yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var wall))
        {
            var zone = TimeZoneInfo.TryFindSystemTimeZoneById(incident.TimeZone, out var found) ? found : TimeZoneInfo.Utc;
            return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(wall, DateTimeKind.Unspecified), zone), TimeSpan.Zero);
        }
        throw new IncidentEditException($"--at '{text}' is not a time: {AtHelp}");
    }

    private static string Show(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Slug(string title)
    {
        var slug = System.Text.RegularExpressions.Regex.Replace(title.ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-');
        return slug.Length > 40 ? slug[..40].TrimEnd('-') : slug;
    }
}
