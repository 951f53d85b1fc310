namespace PoolGuard.Tests;

/// <summary>Files of the checkout the tests read in place (docs, fixtures): the tests run from tests/PoolGuard.Tests/bin/…, under it.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "PoolGuard.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"no PoolGuard.slnx above {AppContext.BaseDirectory}");
    }
}
