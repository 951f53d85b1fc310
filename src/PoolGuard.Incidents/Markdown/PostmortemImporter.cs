using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Markdig.Syntax;
using PoolGuard.Incidents.Model;

namespace PoolGuard.Incidents.Markdown;

/// <summary>How to read a postmortem's times: the date when the document has none, its time zone, the record's id.</summary>
public sealed record ImportOptions
{
    public DateOnly? Date { get; init; }

    /// <summary>An IANA name (Europe/Berlin); null: UTC, as the document says or assumes.</summary>
    public string? TimeZone { get; init; }

    public string? Id { get; init; }
}

/// <summary>
/// Reads a Markdown postmortem in the common "Issue Summary / Timeline / Root Cause and Resolution / Corrective and
/// Preventative Measures" form: the summary's **Duration**, **Impact** and **Root Cause** lines, the timeline's
/// `- **10:30 AM**: text` items (12 h or 24 h; the date from the Duration line or <see cref="ImportOptions.Date"/>;
/// a time earlier than the last one crosses midnight), the measures as action items. Each timeline line's kind and
/// investigation path are guessed from its wording (<see cref="TimelineWording"/>). What it cannot read is reported
/// with its line, never dropped silently.
/// </summary>
public static partial class PostmortemImporter
{
    private const string DurationLineSource = "duration line";

    public static ImportResult Import(string markdown, ImportOptions options)
    {
        var reader = new Reader(markdown, options);
        reader.Read();
        return reader.Result();
    }

    private enum Section
    {
        Preamble,
        Summary,
        Timeline,
        RootCause,
        Measures,
        Factors,
        Paths,
        Lessons,
        Unknown,
    }

    private sealed partial class Reader(string markdown, ImportOptions options)
    {
        private readonly SourceLines _source = new(markdown);
        private readonly List<ImportProblem> _problems = [];
        private readonly List<(int Line, string Time, string Text, Dictionary<string, string>? Note)> _items = [];
        private readonly List<(string Id, string Hypothesis, Dictionary<string, string> Note)> _paths = [];
        private readonly List<string> _wentWell = [], _wentWrong = [], _lucky = [];
        private Dictionary<string, string>? _header; // an exported record's own note: what it was, exactly
        private List<string>? _lessonList;           // the Lessons Learned subsection being read (### What went well, …)
        private DateOnly? _date;                     // the Google SRE template's **Date** line
        private bool _sreTemplate;
        private readonly List<ActionItem> _actions = [];
        private readonly List<string> _factors = [];
        private readonly StringBuilder _summary = new();
        private readonly StringBuilder _rootCause = new();
        private readonly StringBuilder _resolution = new();
        private string? _title;
        private string? _durationLine;
        private string? _impact;
        private string? _severity;
        private Section _section = Section.Preamble;
        private string _sectionName = "";

        public void Read()
        {
            var document = Markdig.Markdown.Parse(_source.Text);
            foreach (var block in document)
            {
                if (block is HeadingBlock heading)
                {
                    var text = _source.Raw(heading).TrimStart('#').Trim();
                    if (heading.Level >= 3 && _section == Section.Lessons)
                    {
                        _lessonList = LessonList(text);
                        continue;
                    }
                    if (heading.Level == 1 && _title is null)
                    {
                        _title = text;
                        continue;
                    }
                    (_section, _sectionName) = (SectionOf(text), text);
                    continue;
                }
                switch (_section)
                {
                    case Section.Preamble or Section.Summary:
                        Summary(block);
                        break;
                    case Section.Timeline:
                        Timeline(block);
                        break;
                    case Section.RootCause:
                        RootCause(block);
                        break;
                    case Section.Measures:
                        Measures(block);
                        break;
                    case Section.Factors:
                        foreach (var (_, text) in _source.Items(block))
                        {
                            _factors.Add(text);
                        }
                        break;
                    case Section.Paths:
                        Paths(block);
                        break;
                    case Section.Lessons:
                        Lessons(block);
                        break;
                    default:
                        Skip(block, $"the section \"{_sectionName}\" is not part of this layout");
                        break;
                }
            }
        }

        private static Section SectionOf(string heading)
        {
            var name = heading.ToLowerInvariant();
            return name switch
            {
                _ when name.Contains("timeline", StringComparison.Ordinal) => Section.Timeline,
                _ when name.Contains("corrective", StringComparison.Ordinal) || name.Contains("preventa", StringComparison.Ordinal)
                    || name.Contains("action item", StringComparison.Ordinal) || name.Contains("follow-up", StringComparison.Ordinal) => Section.Measures,
                _ when name.Contains("contributing", StringComparison.Ordinal) => Section.Factors,
                _ when name.Contains("investigation path", StringComparison.Ordinal) => Section.Paths,
                _ when name.Contains("lessons", StringComparison.Ordinal) => Section.Lessons,
                _ when name.Contains("root cause", StringComparison.Ordinal) || name.Contains("resolution", StringComparison.Ordinal) => Section.RootCause,
                _ when name.Contains("summary", StringComparison.Ordinal) || name.Contains("overview", StringComparison.Ordinal) => Section.Summary,
                _ => Section.Unknown,
            };
        }

        private void Summary(Block block)
        {
            foreach (var (line, text) in _source.Lines(block))
            {
                if (RecordNote.Split(text) is { Text: "", Values: { } header })
                {
                    _header = header;
                    continue;
                }
                if (Label().Match(text) is { Success: true } labelled)
                {
                    var value = labelled.Groups["value"].Value.Trim();
                    switch (labelled.Groups["label"].Value.Trim().TrimEnd(':').ToLowerInvariant())
                    {
                        case "duration":
                            _durationLine = value;
                            continue;
                        case "impact":
                            _impact = value;
                            continue;
                        case "root cause" or "root causes":
                            Append(_rootCause, value);
                            continue;
                        case "date":
                            _date = ClockText.FindDate(value);
                            _sreTemplate = true;
                            if (_date is null)
                            {
                                _problems.Add(new ImportProblem(line, text, "the Date line holds no date (write 2015-10-21); not read"));
                            }
                            continue;
                        case "trigger":
                            _factors.Add($"Trigger: {value}");
                            _sreTemplate = true;
                            continue;
                        case "detection":
                            Append(_summary, $"Detection: {value}");
                            continue;
                        case "authors" or "status":
                            _problems.Add(new ImportProblem(line, text, labelled.Groups["label"].Value.Trim().StartsWith('A')
                                ? "the record keeps no authors; not read"
                                : "the document's status is not the review's (set that with `incident status`); not read"));
                            continue;
                        case "severity":
                            _severity = value;
                            continue;
                        case "resolution":
                            Append(_resolution, value);
                            continue;
                        case "summary":
                            Append(_summary, value);
                            continue;
                        default:
                            _problems.Add(new ImportProblem(line, text, $"the label \"{labelled.Groups["label"].Value.Trim()}\" is not one of Duration, Date, Impact, Root Cause(s), Trigger, Detection, Severity, Resolution; kept in the summary"));
                            break;
                    }
                }
                Append(_summary, Plain(text));
            }
        }

        private void Timeline(Block block)
        {
            if (block is not ListBlock)
            {
                foreach (var (line, text) in _source.Lines(block))
                {
                    // A date on its own line moves the timeline to that day ("**March 3**" between the lists).
                    if (ClockText.FindDate(text) is not null && !ClockText.TryParseTime(text, out _, out _))
                    {
                        _items.Add((line, text, "", null));
                        continue;
                    }
                    _problems.Add(new ImportProblem(line, text, "a timeline line that is not a list item with a time; not read"));
                }
                return;
            }
            foreach (var (line, written) in _source.Items(block))
            {
                var (text, note) = RecordNote.Split(written);
                var match = Entry().Match(text);
                if (!match.Success || !ClockText.TryParseTime(match.Groups["time"].Value, out _, out _))
                {
                    _problems.Add(new ImportProblem(line, text, "no time at the start of the item (write - **10:30 AM**: what happened); not read"));
                    continue;
                }
                _items.Add((line, match.Groups["time"].Value, match.Groups["text"].Value.Trim(), note));
            }
        }

        private void RootCause(Block block)
        {
            foreach (var (_, text) in _source.Lines(block))
            {
                if (Label().Match(text) is { Success: true } labelled)
                {
                    var label = labelled.Groups["label"].Value.Trim().TrimEnd(':').ToLowerInvariant();
                    Append(label.Contains("resolution", StringComparison.Ordinal) || label.Contains("fix", StringComparison.Ordinal) ? _resolution : _rootCause,
                        labelled.Groups["value"].Value.Trim());
                    continue;
                }
                Append(ResolutionWords().IsMatch(text) ? _resolution : _rootCause, Plain(text));
            }
        }

        private void Measures(Block block)
        {
            if (block is not ListBlock)
            {
                var lines = _source.Lines(block).ToList();
                if (lines.Count >= 2 && lines.All(l => l.Text.StartsWith('|')))
                {
                    ActionTable(lines);
                    return;
                }
                foreach (var (line, text) in lines)
                {
                    _problems.Add(new ImportProblem(line, text, "prose in the measures section is not an action item; not read"));
                }
                return;
            }
            foreach (var (_, written) in _source.Items(block))
            {
                var (text, note) = RecordNote.Split(written);
                var done = text.StartsWith("[x]", StringComparison.OrdinalIgnoreCase);
                var title = TaskBox().Replace(text, "");
                if (note is not null)
                {
                    _actions.Add(new ActionItem(title, Enum.Parse<ActionKind>(note["kind"]))
                    {
                        Status = done ? ActionStatus.Done : ActionStatus.Open,
                        Owner = note.GetValueOrDefault("owner"),
                        Due = note.TryGetValue("due", out var day) ? DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
                        Link = note.GetValueOrDefault("link"),
                    });
                    continue;
                }
                title = Plain(title);
                _actions.Add(new ActionItem(title, ActionKindOf(title))
                {
                    Status = done ? ActionStatus.Done : ActionStatus.Open,
                    Owner = Owner().Match(title) is { Success: true } owner ? owner.Groups["who"].Value : null,
                    Due = Due().Match(title) is { Success: true } due ? ClockText.FindDate(due.Value) : null,
                });
            }
        }

        /// <summary>
        /// The Google SRE template's action items: a table whose header names the columns (Action Item, Type, Owner,
        /// Bug); a TODO / DONE mark in any cell is the status, "n/a" no link.
        /// </summary>
        private void ActionTable(List<(int Line, string Text)> lines)
        {
            _sreTemplate = true;
            static string[] Cells(string row) => [.. row.Trim().Trim('|').Split('|').Select(c => c.Trim())];
            var header = Cells(lines[0].Text).Select(c => c.ToLowerInvariant()).ToList();
            int Column(params string[] names) => header.FindIndex(h => names.Any(n => h.Contains(n, StringComparison.Ordinal)));
            var (title, type, owner, link) = (Column("action", "item", "task"), Column("type", "kind"), Column("owner"), Column("bug", "ticket", "link", "issue"));
            if (title < 0)
            {
                _problems.Add(new ImportProblem(lines[0].Line, lines[0].Text, "an action-item table needs an Action Item column; not read"));
                return;
            }
            foreach (var (line, text) in lines.Skip(1))
            {
                var cells = Cells(text);
                if (cells.All(c => c.Trim('-', ':', ' ').Length == 0))
                {
                    continue; // the |---|---| row
                }
                string? Cell(int index) => index >= 0 && index < cells.Length && cells[index].Length > 0 ? cells[index] : null;
                var done = cells.Any(c => c.Contains("DONE", StringComparison.Ordinal));
                var name = Plain(Cell(title) ?? "");
                if (name.Length == 0)
                {
                    _problems.Add(new ImportProblem(line, text, "an action-item row without its action; not read"));
                    continue;
                }
                var bug = Cell(link) is { } value ? Mark().Replace(value, "").Trim() : null;
                var kind = Cell(type)?.ToLowerInvariant() switch
                {
                    "prevent" => ActionKind.Prevent,
                    "mitigate" => ActionKind.Mitigate,
                    "detect" => ActionKind.Detect,
                    "process" => ActionKind.Process,
                    _ => ActionKindOf(name),
                };
                _actions.Add(new ActionItem(name, kind)
                {
                    Owner = Cell(owner) is { } who ? Mark().Replace(who, "").Trim() : null,
                    Status = done ? ActionStatus.Done : ActionStatus.Open,
                    Link = bug is null or "" || bug.Equals("n/a", StringComparison.OrdinalIgnoreCase) ? null : bug,
                });
            }
        }

        private List<string>? LessonList(string heading) => heading.ToLowerInvariant() switch
        {
            var h when h.Contains("went well", StringComparison.Ordinal) => _wentWell,
            var h when h.Contains("went wrong", StringComparison.Ordinal) => _wentWrong,
            var h when h.Contains("lucky", StringComparison.Ordinal) => _lucky,
            _ => null,
        };

        /// <summary>An exported record's paths: `- **P1** (ruled out): hypothesis` with its note; a path without one is reported.</summary>
        private void Paths(Block block)
        {
            foreach (var (line, written) in _source.Items(block))
            {
                var (text, note) = RecordNote.Split(written);
                if (note is null || PathItem().Match(text) is not { Success: true } item)
                {
                    _problems.Add(new ImportProblem(line, written, "a path is read with the note an export writes; open or close paths with the CLI instead; not read"));
                    continue;
                }
                _paths.Add((item.Groups["id"].Value, item.Groups["text"].Value, note));
            }
        }

        private void Lessons(Block block)
        {
            foreach (var (line, text) in _source.Items(block))
            {
                var lesson = LessonItem().Match(text);
                var list = !lesson.Success ? _lessonList : lesson.Groups["kind"].Value.ToLowerInvariant() switch
                {
                    "went well" => _wentWell,
                    "went wrong" => _wentWrong,
                    _ => _lucky,
                };
                if (list is null)
                {
                    _problems.Add(new ImportProblem(line, text, "a lesson goes under ### What went well, What went wrong or Where we got lucky, or starts with Went well:, Went wrong: or Lucky:; not read"));
                    continue;
                }
                list.Add(lesson.Success ? lesson.Groups["text"].Value.Trim() : Plain(text));
            }
        }

        private static ActionKind ActionKindOf(string title) => title.ToLowerInvariant() switch
        {
            var t when Regex.IsMatch(t, @"\b(monitor\w*|alert\w*|dashboard\w*|load test\w*|detect\w*|threshold\w*)\b") => ActionKind.Detect,
            var t when Regex.IsMatch(t, @"\b(train\w*|review\w*|process\w*|runbook\w*|playbook\w*|document\w*|drill\w*|postmortem\w*)\b") => ActionKind.Process,
            var t when Regex.IsMatch(t, @"\b(retr(y|ies)|circuit|fallback|autoscal\w*|failover|degrad\w*)\b") => ActionKind.Mitigate,
            _ => ActionKind.Prevent,
        };

        public ImportResult Result()
        {
            var title = _title ?? throw new IncidentImportException("no title: a postmortem starts with a # heading");
            if (_items.Count == 0)
            {
                throw new IncidentImportException("no timeline: a \"## Timeline\" section with items like - **10:30 AM**: what happened");
            }
            var zone = _header?.GetValueOrDefault("time_zone") is { } exported && options.TimeZone is null ? Exported(exported) : Zone();
            var day = options.Date ?? _date ?? (_durationLine is null ? null : ClockText.FindDate(_durationLine))
                ?? _items.Select(i => ClockText.FindDate(i.Time + " " + i.Text)).FirstOrDefault(d => d is not null)
                ?? throw new IncidentImportException("no date for the timeline's times: the Duration line names none; give --date YYYY-MM-DD");
            var firstDay = day; // the record is named for the day it began, whatever midnight the timeline crosses
            var timeline = new List<TimelineEntry>();
            DateTime? previous = null;
            foreach (var (line, time, text, note) in _items)
            {
                if (text.Length == 0)
                {
                    day = ClockText.FindDate(time) ?? day; // a date line
                    previous = null;
                    continue;
                }
                ClockText.TryParseTime(time, out var clock, out var written);
                var local = (written ?? day).ToDateTime(clock);
                if (written is null && previous is { } last && local < last - TimeSpan.FromHours(1))
                {
                    local = local.AddDays(1); // past midnight
                    day = DateOnly.FromDateTime(local);
                }
                else if (written is { } date)
                {
                    day = date;
                }
                previous = local;
                timeline.Add(note is null
                    ? new TimelineEntry(Utc(local, zone), TimelineWording.Kind(text), text) { Source = $"line {line}" }
                    : new TimelineEntry(DateTimeOffset.Parse(note["at"], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal), Enum.Parse<EntryKind>(note["kind"]), text)
                    {
                        Source = note.GetValueOrDefault("source"),
                        PathId = note.GetValueOrDefault("path"),
                        Evidence = note.TryGetValue("evidence", out var evidence) ? evidence.Split('\n') : [],
                    });
            }
            if (_header is null)
            {
                AddDurationSpan(timeline, zone, DateOnly.FromDateTime(timeline[0].At.UtcDateTime));
            }
            // Stable: two lines at the same minute keep the document's order (a path ruled out, then the next opened).
            var (entries, paths) = _header is null
                ? PathInference.Infer([.. timeline.OrderBy(e => e.At)])
                : ([.. timeline.OrderBy(e => e.At)], _paths.Select(ExportedPath).ToList());
            var incident = new Incident(options.Id ?? _header?.GetValueOrDefault("id") ?? Id(title, firstDay), title)
            {
                Severity = _severity ?? "unknown",
                Status = _header?.GetValueOrDefault("status") is { } status ? Enum.Parse<IncidentStatus>(status) : IncidentStatus.Draft,
                TimeZone = zone.Id == TimeZoneInfo.Utc.Id ? "UTC" : zone.Id,
                Impact = _header is { } header ? ExportedImpact(header) : _impact is null && _durationLine is null ? null : new Impact(_impact ?? "")
                {
                    UsersShare = _impact is not null && Share().Match(_impact) is { Success: true } share
                        ? double.Parse(share.Groups["n"].Value, CultureInfo.InvariantCulture) / 100 : null,
                    Duration = _durationLine is null ? null : ClockText.Lasted(_durationLine) ?? SpanLength(),
                },
                Lessons = _wentWell.Count + _wentWrong.Count + _lucky.Count == 0 ? Model.Lessons.None : new Model.Lessons(_wentWell, _wentWrong, _lucky),
                Summary = Text(_summary),
                RootCause = Text(_rootCause),
                Resolution = Text(_resolution),
                ContributingFactors = _factors,
                ActionItems = _actions,
                Timeline = entries,
                Paths = paths,
            };
            return new ImportResult(incident, _problems, _sreTemplate ? "Google SRE postmortem template"
                : "issue summary / timeline / root cause and resolution / corrective and preventative measures");
        }

        private Impact? ExportedImpact(Dictionary<string, string> header) => header.GetValueOrDefault("impact") == "none" ? null : new Impact(_impact ?? "")
        {
            UsersShare = header.TryGetValue("users_share", out var share) ? double.Parse(share, CultureInfo.InvariantCulture) : null,
            Duration = header.TryGetValue("impact_duration", out var lasted) ? System.Xml.XmlConvert.ToTimeSpan(lasted) : null,
        };

        private static InvestigationPath ExportedPath((string Id, string Hypothesis, Dictionary<string, string> Note) path) =>
            new(path.Id, path.Hypothesis, DateTimeOffset.Parse(path.Note["opened"], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal))
            {
                Outcome = Enum.Parse<PathOutcome>(path.Note["outcome"]),
                ClosedAt = path.Note.TryGetValue("closed", out var closed) ? DateTimeOffset.Parse(closed, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal) : null,
                ClosedBecause = path.Note.GetValueOrDefault("because"),
            };

        private static TimeZoneInfo Exported(string name) => name == "UTC" ? TimeZoneInfo.Utc
            : TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone) ? zone : throw new IncidentImportException($"the record's time zone '{name}' is not known here");

        /// <summary>The Duration line's "from 10:00 AM to 2:30 PM": the impact's start and end, when the timeline does not say.</summary>
        private void AddDurationSpan(List<TimelineEntry> timeline, TimeZoneInfo zone, DateOnly firstDay)
        {
            if (_durationLine is null || ClockText.Span(_durationLine) is not { } span)
            {
                return;
            }
            var day = options.Date ?? ClockText.FindDate(_durationLine) ?? firstDay;
            var from = Utc(day.ToDateTime(span.From), zone);
            var to = Utc(day.ToDateTime(span.To), zone);
            if (to < from)
            {
                to = to.AddDays(1);
            }
            if (!timeline.Any(e => e.Kind == EntryKind.ImpactStart))
            {
                // first among entries of the same minute: the impact began, then it was seen
                timeline.Insert(0, new TimelineEntry(from, EntryKind.ImpactStart, "impact began (the Duration line)") { Source = DurationLineSource });
            }
            if (!timeline.Any(e => e.Kind == EntryKind.Resolution))
            {
                timeline.Add(new TimelineEntry(to, EntryKind.Resolution, "impact ended (the Duration line)") { Source = DurationLineSource });
            }
        }

        private TimeSpan? SpanLength()
        {
            if (ClockText.Span(_durationLine!) is not { } span)
            {
                return null;
            }
            var length = span.To.ToTimeSpan() - span.From.ToTimeSpan();
            return length < TimeSpan.Zero ? length + TimeSpan.FromDays(1) : length;
        }

        private TimeZoneInfo Zone()
        {
            if (options.TimeZone is { } name)
            {
                return TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone)
                    ? zone
                    : throw new IncidentImportException($"unknown time zone '{name}': give an IANA name such as Europe/Berlin or America/New_York");
            }
            if (_durationLine is not null && ZoneAbbreviation().Match(_durationLine) is { Success: true } abbreviation && abbreviation.Value is not ("UTC" or "GMT"))
            {
                _problems.Add(new ImportProblem(0, _durationLine, $"the time zone \"{abbreviation.Value}\" is ambiguous; times read as UTC (give --time-zone, e.g. America/Los_Angeles)"));
            }
            return TimeZoneInfo.Utc;
        }

        private static DateTimeOffset Utc(DateTime local, TimeZoneInfo zone) =>
            new(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone), TimeSpan.Zero);

        private static string Id(string title, DateOnly day)
        {
            var slug = Regex.Replace(title.ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-');
            return $"{day:yyyy-MM-dd}-{(slug.Length > 40 ? slug[..40].TrimEnd('-') : slug)}";
        }

        private void Skip(Block block, string reason)
        {
            foreach (var (line, text) in _source.Lines(block))
            {
                _problems.Add(new ImportProblem(line, text, reason + "; not read"));
            }
        }

        private static void Append(StringBuilder text, string value)
        {
            if (value.Length > 0)
            {
                text.Append(text.Length > 0 ? " " : "").Append(value);
            }
        }

        private static string? Text(StringBuilder text) => text.Length == 0 ? null : text.ToString();

        /// <summary>Markdown emphasis taken off: **bold**, *italic*, `code` read as their words.</summary>
        private static string Plain(string text) => Emphasis().Replace(text, "$1").Trim();

        [GeneratedRegex(@"^\*\*(?<label>[^*]+?)\*\*\s*:?\s*(?<value>.*)$")]
        private static partial Regex Label();

        [GeneratedRegex(@"^(?:\*\*(?<time>[^*]+)\*\*|(?<time>(?:\d{4}-\d{2}-\d{2}\s+)?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?(?:\s*UTC)?))\s*[:\-–—]?\s*(?<text>.+)$")]
        private static partial Regex Entry();


        [GeneratedRegex(@"^\*\*(?<id>[^*]+)\*\*\s*(?:\([^)]*\))?\s*:\s*(?<text>.*)$")]
        private static partial Regex PathItem();

        [GeneratedRegex(@"^(?<kind>went well|went wrong|lucky)\s*:\s*(?<text>.+)$", RegexOptions.IgnoreCase)]
        private static partial Regex LessonItem();

        [GeneratedRegex(@"\*{0,2}\b(TODO|DONE)\b\*{0,2}")]
        private static partial Regex Mark();

        [GeneratedRegex(@"^\[[ xX]\]\s*")]
        private static partial Regex TaskBox();

        [GeneratedRegex(@"\*\*([^*]+)\*\*|\*([^*]+)\*|`([^`]+)`")]
        private static partial Regex Emphasis();

        [GeneratedRegex(@"\b(resolv\w*|resolution|restor\w*|fix(ed)?|mitigat\w*)\b", RegexOptions.IgnoreCase)]
        private static partial Regex ResolutionWords();

        [GeneratedRegex(@"\bowner:\s*@?(?<who>[\w.-]+)|@(?<who>[\w.-]+)", RegexOptions.IgnoreCase)]
        private static partial Regex Owner();

        [GeneratedRegex(@"\b(by|due)\s+(\d{4}-\d{2}-\d{2}|\w+\s+\d{1,2},?\s+\d{4})", RegexOptions.IgnoreCase)]
        private static partial Regex Due();

        [GeneratedRegex(@"(?<n>\d+(?:\.\d+)?)\s*%")]
        private static partial Regex Share();

        [GeneratedRegex(@"\b(UTC|GMT|[A-Z]{1,3}[SD]T|CET|CEST|IST|JST)\b")]
        private static partial Regex ZoneAbbreviation();
    }
}
