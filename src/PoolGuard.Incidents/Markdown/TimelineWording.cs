using System.Text.RegularExpressions;
using PoolGuard.Incidents.Model;

namespace PoolGuard.Incidents.Markdown;

/// <summary>
/// What a timeline line says, read from its wording as people write postmortems: a hypothesis opened ("misleading",
/// "suspected", "assumed"), one ruled out, the root cause found, and the milestones. A guess the user corrects afterwards
/// (add-entry, close-path); the words are listed here so the guess is predictable.
/// </summary>
internal static partial class TimelineWording
{
    /// <summary>
    /// A hypothesis word opens a path, unless it names the path a "ruled out" in the same line closes ("the disk
    /// theory was ruled out"); after the ruled-out phrase it opens the next ("DDoS ruled out; suspected slow queries").
    /// </summary>
    public static bool OpensPath(string text)
    {
        var ruledOut = RuledOut().Match(text);
        return Hypothesis().Matches(text).Any(m => !ruledOut.Success || m.Index > ruledOut.Index + ruledOut.Length);
    }

    /// <summary>The line says its path misled ("Misleading investigation path: …"): ruled out by the next path if nothing else closes it.</summary>
    public static bool CallsItselfMisleading(string text) => text.Contains("misleading", StringComparison.OrdinalIgnoreCase);

    public static bool RulesOut(string text) => RuledOut().IsMatch(text);

    public static bool FindsRootCause(string text) => !OpensPath(text) && RootCause().IsMatch(text);

    /// <summary>The milestone a line records; hypotheses and root-cause lines are read by the path rules first.</summary>
    public static EntryKind Kind(string text)
    {
        if (OpensPath(text))
        {
            return EntryKind.Hypothesis;
        }
        if (Resolved().IsMatch(text))
        {
            return EntryKind.Resolution;
        }
        if (FindsRootCause(text) || RulesOut(text))
        {
            return EntryKind.Investigation;
        }
        if (ImpactBegan().IsMatch(text))
        {
            return EntryKind.ImpactStart; // before the mitigation words: "errors began after the deploy"
        }
        if (Mitigated().IsMatch(text))
        {
            return EntryKind.Mitigation;
        }
        if (Escalated().IsMatch(text))
        {
            return EntryKind.Escalation;
        }
        if (Acknowledged().IsMatch(text))
        {
            return EntryKind.Acknowledgement;
        }
        if (Alerted().IsMatch(text))
        {
            return EntryKind.Alert;
        }
        if (Detected().IsMatch(text))
        {
            return EntryKind.Detection;
        }
        return Investigated().IsMatch(text) ? EntryKind.Investigation : EntryKind.Note;
    }

    /// <summary>The hypothesis itself: the line without a "Misleading investigation path:" label.</summary>
    public static string Hypothesis(string text) => PathLabel().Replace(text, "").Trim();

    [GeneratedRegex(@"\b(misleading|suspect(ed|ing)?|assum(ed|ing|ption)|hypothes[ie]s|theory|thought (it|this) (was|might))\b", RegexOptions.IgnoreCase)]
    private static partial Regex Hypothesis();

    [GeneratedRegex(@"\b(ruled out|rule out|not the cause|no evidence (of|for)|dismissed|disproved|excluded|dead end)\b", RegexOptions.IgnoreCase)]
    private static partial Regex RuledOut();

    [GeneratedRegex(@"\b(root cause|identified the (cause|problem|issue)|discovered (that|the (cause|problem|issue|bug|leak))|traced (it |the \w+ )?to|(found|finds) that|real cause)\b", RegexOptions.IgnoreCase)]
    private static partial Regex RootCause();

    [GeneratedRegex(@"\b(resolved|restored|recovered|back to normal|fully operational|incident (closed|over)|outage (ends|ended|over))\b", RegexOptions.IgnoreCase)]
    private static partial Regex Resolved();

    [GeneratedRegex(@"\b(appl(ied|ying)|roll(ed)? back|rollback|restart(ed|ing)?|mitigat\w*|deployed (a |the )?(fix|patch)|hotfix|fix(ed)?|increas(ed|ing)|reduc(ed|ing)|limit(ed|ing)?|scal(ed|ing)|capp(ed|ing)|failover|failed over)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Mitigated();

    [GeneratedRegex(@"\bescalat\w*", RegexOptions.IgnoreCase)]
    private static partial Regex Escalated();

    [GeneratedRegex(@"\b(acknowledg\w*|declare[sd]? (an |the )?incident)", RegexOptions.IgnoreCase)]
    private static partial Regex Acknowledged();

    [GeneratedRegex(@"\b(alert(s|ed)?|paged|pager)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Alerted();

    [GeneratedRegex(@"\b(detected|noticed|reported|spotted)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Detected();

    [GeneratedRegex(@"\b((outage|impact|errors?|failures?) (began|begins|started|starts)|(began|started) (failing|to fail|timing out)|went down)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ImpactBegan();

    [GeneratedRegex(@"\b(investigat\w*|began|started|check(ed|ing)|look(ed|ing) (at|into)|analy[sz]\w*|examin\w*|review(ed|ing)|tun(ed|ing)|optimi[sz]\w*)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Investigated();

    [GeneratedRegex(@"^\s*misleading (investigation )?path\s*[:\-–—]\s*", RegexOptions.IgnoreCase)]
    private static partial Regex PathLabel();
}
