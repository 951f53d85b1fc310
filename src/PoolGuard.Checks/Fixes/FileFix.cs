namespace PoolGuard.Checks.Fixes;

/// <summary>A change `check --fix` can make for a finding, in one file. Fixes are text edits that keep the rest of
/// the file — comments, order, spacing — as it was.</summary>
public abstract record FileFix(string File, int Line);

/// <summary>Set Npgsql keywords in the connection string written at <paramref name="Line"/> as <paramref name="Original"/>
/// (a null value removes the keyword): "Maximum Pool Size" → 10, "Pooling" → null.</summary>
public sealed record ConnectionStringFix(string File, int Line, string Original, IReadOnlyDictionary<string, string?> Keywords) : FileFix(File, Line);

/// <summary>Give <paramref name="Key"/> on <paramref name="Line"/> a new value, in whichever syntax the line has
/// (<c>key = 0</c>, <c>"Key": 60</c>, <c>key: 12</c>, <c>name = host=db pool_size=0</c>).</summary>
public sealed record KeyValueFix(string File, int Line, string Key, string Value) : FileFix(File, Line);

/// <summary>Add a line after <paramref name="Line"/>, indented as that line is (an ini key that is not written yet).</summary>
public sealed record InsertLineFix(string File, int Line, string Text) : FileFix(File, Line);
