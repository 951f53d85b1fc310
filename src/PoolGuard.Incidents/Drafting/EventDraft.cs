using System.Globalization;
using System.Text.Json;
using PoolGuard.Incidents.Analysis;
using PoolGuard.Incidents.Markdown;
using PoolGuard.Incidents.Model;

namespace PoolGuard.Incidents.Drafting;

/// <summary>The window and names of a draft: events from <see cref="From"/> to <see cref="To"/> (UTC, inclusive; null: open).</summary>
public sealed record DraftOptions
{
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public string? Title { get; init; }
    public string? Id { get; init; }
}

/// <summary>
/// `incident draft --events FILE`: a draft timeline from the gateway's event log (its JSON lines, docs/events.md),
/// which a responder then annotates. Each event becomes an entry from source "poolguard" with its sequence number as
/// evidence: clients refused, timed out or unable to log in mark the impact; saturation and lost servers are
/// detections; alerts fired are alerts; reloads, pauses and kills are mitigations; the rest (recoveries, resolved
/// alerts, the end of a refusal episode) are notes with their numbers. Nothing is guessed about causes: the paths
/// are left to the people who followed them. A line that is not an event is reported with its number.
/// </summary>
public static class EventDraft
{
    public static ImportResult FromLines(IEnumerable<string> lines, DraftOptions options)
    {
        var entries = new List<TimelineEntry>();
        var pools = new List<string>(); // in the order the events name them, for the title
        var problems = new List<ImportProblem>();
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            if (Read(line) is not { } read)
            {
                problems.Add(new ImportProblem(number, line.Length > 120 ? line[..120] + "…" : line, "not a gateway event (docs/events.md: one JSON object per line with seq, time, kind); not read"));
                continue;
            }
            if ((options.From is { } from && read.Time < from) || (options.To is { } to && read.Time > to) || Kind(read.Kind) is not { } kind)
            {
                continue;
            }
            entries.Add(new TimelineEntry(read.Time, kind, Text(read)) { Source = IncidentAnalysis.PoolGuardSource, Evidence = [$"event seq {read.Seq}"] });
            if (read.Pool is { } pool && pool.Contains('/') && !pools.Contains(pool))
            {
                pools.Add(pool);
            }
        }
        if (entries.Count == 0)
        {
            throw new IncidentImportException(options.From is null && options.To is null
                ? "no gateway events to draft from"
                : $"no gateway events between {Show(options.From, "the start")} and {Show(options.To, "the end")}");
        }
        entries = [.. entries.OrderBy(e => e.At)];
        var title = options.Title ?? $"Draft from the gateway's events{(pools.Count > 0 ? " on " + string.Join(", ", pools.Take(3)) : "")}";
        var id = options.Id ?? $"{entries[0].At.UtcDateTime:yyyy-MM-dd-HHmm}-draft";
        return new ImportResult(new Incident(id, title) { Status = IncidentStatus.Draft, Severity = "unknown", Timeline = entries }, problems, "gateway event log (JSON lines)");
    }

    private sealed record EventLine(long Seq, DateTimeOffset Time, string Kind, string? Pool, string Detail, IReadOnlyDictionary<string, long> Numbers);

    private static EventLine? Read(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("time", out var time) || !root.TryGetProperty("kind", out var kind)
                || time.ValueKind != JsonValueKind.String || kind.ValueKind != JsonValueKind.String
                || !DateTimeOffset.TryParse(time.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                return null;
            }
            var numbers = new Dictionary<string, long>(StringComparer.Ordinal);
            if (root.TryGetProperty("numbers", out var values) && values.ValueKind == JsonValueKind.Object)
            {
                foreach (var value in values.EnumerateObject().Where(v => v.Value.ValueKind == JsonValueKind.Number && v.Value.TryGetInt64(out _)))
                {
                    numbers[value.Name] = value.Value.GetInt64();
                }
            }
            return new EventLine(root.TryGetProperty("seq", out var seq) && seq.TryGetInt64(out var s) ? s : 0, at.ToUniversalTime(), kind.GetString()!,
                root.TryGetProperty("pool", out var pool) && pool.ValueKind == JsonValueKind.String ? pool.GetString() : null,
                root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String ? detail.GetString()! : "", numbers);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>What each event kind is on an incident's timeline; null: not part of one (the gateway starting, a lost-lines marker).</summary>
    private static EntryKind? Kind(string kind) => kind switch
    {
        "client_refused" or "wait_timeout" or "server_login_failed" => EntryKind.ImpactStart,
        "pool_saturated" or "server_connect_failed" or "server_lost" => EntryKind.Detection,
        "alert_firing" => EntryKind.Alert,
        "reloaded" or "paused" or "resumed" or "disabled" or "enabled" or "client_killed" or "servers_reconnected" => EntryKind.Mitigation,
        "pool_recovered" or "refusals_ended" or "alert_resolved" or "reload_failed" or "shutdown_started" or "stopped" => EntryKind.Note,
        _ => null,
    };

    private static string Text(EventLine read)
    {
        var numbers = read.Numbers.Count == 0 ? "" : " (" + string.Join(", ", read.Numbers.Select(n => $"{n.Key} {n.Value.ToString(CultureInfo.InvariantCulture)}")) + ")";
        return $"{read.Pool ?? "gateway"}: {read.Kind.Replace('_', ' ')}: {read.Detail}{numbers}";
    }

    private static string Show(DateTimeOffset? at, string open) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? open;
}
