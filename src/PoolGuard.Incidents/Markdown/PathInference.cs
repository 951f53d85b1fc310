using PoolGuard.Incidents.Model;

namespace PoolGuard.Incidents.Markdown;

/// <summary>The investigation paths of an imported timeline, from its wording (<see cref="TimelineWording"/>).</summary>
internal static class PathInference
{
    /// <summary>
    /// The investigation paths the wording shows: a hypothesis opens one; "ruled out" closes the latest open one;
    /// finding the root cause confirms a path of its own and rules out every path still open; a path labelled
    /// misleading that nothing closed is ruled out when the next path opens or the incident ends.
    /// </summary>
    public static (List<TimelineEntry> Entries, List<InvestigationPath> Paths) Infer(List<TimelineEntry> timeline)
    {
        var paths = new List<InvestigationPath>();
        var open = new List<int>();
        var labelled = new HashSet<int>(); // opened by a line that calls itself misleading
        bool Misleading(int index) => labelled.Contains(index);
        var entries = new List<TimelineEntry>();
        void Close(int index, DateTimeOffset at, PathOutcome outcome, string because)
        {
            paths[index] = paths[index] with { ClosedAt = at, Outcome = outcome, ClosedBecause = because };
            open.Remove(index);
        }
        foreach (var entry in timeline)
        {
            string? pathId = null;
            if (TimelineWording.RulesOut(entry.Text) && open.Count > 0)
            {
                pathId = paths[open[^1]].Id;
                Close(open[^1], entry.At, PathOutcome.RuledOut, entry.Text);
            }
            if (TimelineWording.FindsRootCause(entry.Text))
            {
                foreach (var index in open.ToList())
                {
                    Close(index, entry.At, PathOutcome.RuledOut, $"the root cause was found instead: {entry.Text}");
                }
                paths.Add(new InvestigationPath($"P{paths.Count + 1}", entry.Text, entry.At) { ClosedAt = entry.At, Outcome = PathOutcome.Confirmed, ClosedBecause = entry.Text });
                pathId = paths[^1].Id;
            }
            else if (TimelineWording.OpensPath(entry.Text))
            {
                foreach (var index in open.Where(Misleading).ToList())
                {
                    Close(index, entry.At, PathOutcome.RuledOut, $"abandoned for the next path: {entry.Text}");
                }
                paths.Add(new InvestigationPath($"P{paths.Count + 1}", TimelineWording.Hypothesis(entry.Text), entry.At));
                open.Add(paths.Count - 1);
                if (TimelineWording.CallsItselfMisleading(entry.Text))
                {
                    labelled.Add(paths.Count - 1);
                }
                pathId = paths[^1].Id;
            }
            else if (pathId is null && open.Count > 0 && entry.Kind is EntryKind.Investigation or EntryKind.Note)
            {
                pathId = paths[open[^1]].Id;
            }
            entries.Add(entry with { PathId = pathId });
        }
        var end = timeline.Where(e => e.Kind == EntryKind.Resolution).Select(e => (DateTimeOffset?)e.At).FirstOrDefault() ?? timeline[^1].At;
        foreach (var index in open.Where(Misleading).ToList())
        {
            Close(index, end, PathOutcome.RuledOut, "labelled misleading in the postmortem");
        }
        return (entries, paths);
    }
}
