namespace PoolGuard.Tests.Checks;

/// <summary>A throwaway repository for one test: files written as a user would lay them out, deleted afterwards.</summary>
internal sealed class CheckFolder : IDisposable
{
    public CheckFolder() => Root = Directory.CreateTempSubdirectory("poolguard-check-").FullName;

    public string Root { get; }

    public CheckFolder With(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return this;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
