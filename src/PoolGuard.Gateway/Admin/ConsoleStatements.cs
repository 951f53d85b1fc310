namespace PoolGuard.Gateway.Admin;

/// <summary>One console statement: its verb and the rest (SHOW's subject), as typed.</summary>
internal readonly record struct ConsoleStatement(string Verb, string Argument, string Text);

/// <summary>
/// Splits a console query into statements at ';' (outside quotes), each into a verb and its argument.
/// Commands are words, so this is all the parsing the console needs; psql -c 'SHOW POOLS; SHOW STATS'
/// sends both in one Query and gets both answers.
/// </summary>
internal static class ConsoleStatements
{
    public static List<ConsoleStatement> Split(string query)
    {
        var statements = new List<ConsoleStatement>();
        var start = 0;
        char? quote = null;
        for (var i = 0; i <= query.Length; i++)
        {
            var c = i < query.Length ? query[i] : ';';
            if (quote is { } open)
            {
                if (c == open)
                {
                    quote = null;
                }
                continue;
            }
            if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == ';')
            {
                var text = query[start..i].Trim();
                if (text.Length > 0)
                {
                    statements.Add(Parse(text));
                }
                start = i + 1;
            }
        }
        return statements;
    }

    private static ConsoleStatement Parse(string text)
    {
        var space = text.AsSpan().IndexOfAny(" \t\r\n");
        return space < 0
            ? new ConsoleStatement(text, "", text)
            : new ConsoleStatement(text[..space], text[(space + 1)..].Trim(), text);
    }
}
