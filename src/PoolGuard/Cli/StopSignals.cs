using System.Runtime.InteropServices;

namespace PoolGuard.Cli;

/// <summary>
/// SIGINT and SIGTERM stop the gateway gracefully. A process started in the background by a
/// non-interactive shell (or under nohup) inherits SIGINT and SIGQUIT as ignored, and .NET
/// respects an inherited "ignore" by not installing its handler: `kill -INT` would then do
/// nothing. A server asked to stop must stop, so the default disposition is put back first.
/// </summary>
internal static class StopSignals
{
    private const int SigInt = 2;
    private static readonly IntPtr SigDfl = IntPtr.Zero;

    public static IDisposable Register(Action stop)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            _ = Signal(SigInt, SigDfl);
        }
        void Handle(PosixSignalContext context)
        {
            context.Cancel = true; // we shut down ourselves, cleanly
            stop();
        }
        return new Registrations(
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle));
    }

    // DllImport, not LibraryImport: this one blittable call does not justify unsafe code in the project.
    [DllImport("libc", EntryPoint = "signal")]
    private static extern IntPtr Signal(int signal, IntPtr handler);

    private sealed class Registrations(params PosixSignalRegistration[] registrations) : IDisposable
    {
        public void Dispose()
        {
            foreach (var registration in registrations)
            {
                registration.Dispose();
            }
        }
    }
}
