using System.Text.RegularExpressions;
using Markdig.Syntax;

namespace PoolGuard.Incidents.Markdown;

/// <summary>
/// The document's own lines behind Markdig's blocks: the importer reads a block's raw text (labels, times, task boxes
/// exactly as written) and reports problems by their 1-based line.
/// </summary>
internal sealed partial class SourceLines(string markdown)
{
    private readonly string[] _lines = markdown.ReplaceLineEndings("\n").Split('\n');

    public string Text { get; } = markdown.ReplaceLineEndings("\n");

    public string Raw(Block block)
    {
        var last = Math.Min(_lines.Length - 1, Math.Max(block.Line, LastLine(block)));
        return string.Join('\n', _lines[block.Line..(last + 1)]);
    }

    private int LastLine(Block block) => Text.Length == 0 ? block.Line : CountLines(Math.Min(block.Span.End, Text.Length - 1));

    private int CountLines(int offset)
    {
        var count = 0;
        for (var i = 0; i < offset; i++)
        {
            if (Text[i] == '\n')
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>A block's raw lines, each with its 1-based line number, list markers and blank lines left out.</summary>
    public IEnumerable<(int Line, string Text)> Lines(Block block)
    {
        var last = Math.Min(_lines.Length - 1, Math.Max(block.Line, LastLine(block)));
        for (var i = block.Line; i <= last; i++)
        {
            var text = Marker().Replace(_lines[i], "").Trim();
            if (text.Length > 0)
            {
                yield return (i + 1, text);
            }
        }
    }

    /// <summary>A list's items, each as one line of text (continuation lines joined), with its 1-based line.</summary>
    public IEnumerable<(int Line, string Text)> Items(Block block)
    {
        if (block is not ListBlock list)
        {
            foreach (var line in Lines(block))
            {
                yield return line;
            }
            yield break;
        }
        foreach (var item in list.OfType<ListItemBlock>())
        {
            var first = item.Line;
            var last = item.Count > 0 ? Math.Max(first, LastLine(item[0])) : first;
            var text = string.Join(' ', _lines[first..(Math.Min(last, _lines.Length - 1) + 1)].Select(l => l.Trim()));
            yield return (first + 1, Marker().Replace(text, "").Trim());
        }
    }


    [GeneratedRegex(@"^\s*(?:[-*+]|\d+[.)])\s+")]
    private static partial Regex Marker();
}
