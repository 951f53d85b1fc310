using System.Text.RegularExpressions;
using DiffPlex.Renderer;
using PoolGuard.Checks.Findings;

namespace PoolGuard.Checks.Fixes;

/// <summary>One file `--fix` changed: its text before and after, and the unified diff between them.</summary>
public sealed record FixedFile(string File, string Before, string After, string Diff);

/// <summary>
/// `check --fix`: applies the findings' fixes file by file — the keyword sets of one connection string merged, value
/// changes in place, new lines last and from the bottom up so line numbers stay right — writes each changed file
/// once, and returns the unified diffs. A fix whose text is no longer where the finding saw it is skipped, never
/// guessed at.
/// </summary>
public static partial class FixApplier
{
    /// <summary>A fix can change what the next one should be (a pool that gets a cap joins the share); a few rounds reach the fixed point.</summary>
    private const int Rounds = 3;

    /// <summary>
    /// Checks, applies the fixes, and checks again until nothing more is fixable (at most <see cref="Rounds"/> times);
    /// returns each changed file from its first text to its last, and the final check in <paramref name="report"/>.
    /// </summary>
    public static IReadOnlyList<FixedFile> Fix(IReadOnlyList<string> paths, Config.Capacity.ConnectionBudget? budget, out CheckReport report)
    {
        var first = new Dictionary<string, string>(StringComparer.Ordinal);
        var last = new Dictionary<string, string>(StringComparer.Ordinal);
        report = CheckRun.Run(paths, budget);
        for (var round = 0; round < Rounds && report.Findings.Any(f => f.Fixes.Count > 0); round++)
        {
            var changed = Apply(report.Findings);
            if (changed.Count == 0)
            {
                break;
            }
            foreach (var file in changed)
            {
                first.TryAdd(file.File, file.Before);
                last[file.File] = file.After;
            }
            report = CheckRun.Run(paths, budget);
        }
        return [.. first.Where(f => f.Value != last[f.Key]).OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => new FixedFile(f.Key, f.Value, last[f.Key], Diff(f.Key, f.Value, last[f.Key])))];
    }

    /// <summary>The unified diff, with every password in it masked: it is printed into CI logs, the files are not.</summary>
    private static string Diff(string file, string before, string after)
    {
        var name = file.Replace('\\', '/');
        var diff = UnidiffRenderer.GenerateUnidiff(before, after, $"a/{name}", $"b/{name}", false, false, 3);
        return UriPassword().Replace(KeywordPassword().Replace(diff, "${key}***"), "${user}***@");
    }

    [GeneratedRegex(@"(?<key>\b(?:password|pwd|passwd)\s*[=:]\s*)[^;""'\s&]+", RegexOptions.IgnoreCase)]
    private static partial Regex KeywordPassword();

    [GeneratedRegex(@"(?<user>://[^:/@\s""']+:)[^@/\s""']+@")]
    private static partial Regex UriPassword();

    public static IReadOnlyList<FixedFile> Apply(IEnumerable<Finding> findings)
    {
        var changed = new List<FixedFile>();
        foreach (var file in findings.SelectMany(f => f.Fixes).GroupBy(f => f.File, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var before = File.ReadAllText(file.Key);
            var newline = before.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
            var lines = before.Split(newline).ToList();
            foreach (var group in file.OfType<ConnectionStringFix>().GroupBy(f => (f.Line, f.Original)))
            {
                var keywords = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                foreach (var (key, value) in group.SelectMany(f => f.Keywords))
                {
                    keywords[key] = value;
                }
                Replace(lines, group.Key.Line, group.Key.Original, ConnectionStringEditor.Set(group.Key.Original, keywords));
            }
            foreach (var fix in file.OfType<KeyValueFix>().DistinctBy(f => (f.Line, f.Key)))
            {
                SetValue(lines, fix);
            }
            foreach (var insert in file.OfType<InsertLineFix>().DistinctBy(f => f.Text).OrderByDescending(f => f.Line))
            {
                if (insert.Line >= 1 && insert.Line <= lines.Count)
                {
                    var indent = lines[insert.Line - 1][..(lines[insert.Line - 1].Length - lines[insert.Line - 1].TrimStart().Length)];
                    lines.Insert(insert.Line, indent + insert.Text);
                }
            }
            var after = string.Join(newline, lines);
            if (after == before)
            {
                continue;
            }
            File.WriteAllText(file.Key, after);
            changed.Add(new FixedFile(file.Key, before, after, Diff(file.Key, before, after)));
        }
        return changed;
    }

    /// <summary>The first occurrence of <paramref name="original"/> on the line (a connection string does not span lines).</summary>
    private static void Replace(List<string> lines, int line, string original, string replacement)
    {
        if (line < 1 || line > lines.Count || lines[line - 1].IndexOf(original, StringComparison.Ordinal) is var at && at < 0)
        {
            return;
        }
        lines[line - 1] = string.Concat(lines[line - 1].AsSpan(0, at), replacement, lines[line - 1].AsSpan(at + original.Length));
    }

    private static void SetValue(List<string> lines, KeyValueFix fix)
    {
        if (fix.Line < 1 || fix.Line > lines.Count)
        {
            return;
        }
        var pattern = new Regex(@"(?<key>[""']?\b" + Regex.Escape(fix.Key) + @"\b[""']?\s*[:=]\s*)(?<value>""[^""]*""|'[^']*'|[^\s,;#}]+)", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
        lines[fix.Line - 1] = pattern.Replace(lines[fix.Line - 1], m =>
        {
            var quoted = m.Groups["value"].Value is ['"', ..] ? $"\"{fix.Value}\"" : m.Groups["value"].Value is ['\'', ..] ? $"'{fix.Value}'" : fix.Value;
            return m.Groups["key"].Value + quoted;
        }, 1);
    }
}
