using System.Runtime.InteropServices;

namespace PoolGuard.Hosting;

/// <summary>
/// SIGINT must stop `poolguard run` however it was started. A process started in the background by a
/// non-interactive shell (or under nohup) inherits SIGINT as ignored, and .NET respects an inherited
/// "ignore" by not installing its handler: `kill -INT` would then do nothing. So the default
/// disposition is put back before the host registers its SIGINT/SIGTERM handlers (ConsoleLifetime).
/// </summary>
internal static class InterruptSignal
{
    private const int SigInt = 2;
    private static readonly IntPtr SigDfl = IntPtr.Zero;

    public static void RestoreDefault()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            _ = Signal(SigInt, SigDfl);
        }
    }

    // DllImport, not LibraryImport: this one blittable call does not justify unsafe code in the project.
    [DllImport("libc", EntryPoint = "signal")]
    private static extern IntPtr Signal(int signal, IntPtr handler);
}
