using System.Net;
using System.Net.Sockets;

namespace Likeperson.BrowserTests;

/// <summary>
/// A TCP forwarder on loopback between the browser and the server whose connections a test can really cut: <see cref="Cut"/>
/// resets every open connection (the event stream included) and refuses new ones until <see cref="Restore"/>, as a dropped
/// Wi-Fi or a phone in a tunnel would. (Playwright's offline emulation blocks new requests only and leaves an open stream alive.)
/// </summary>
public sealed class CuttableProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly Uri target;
    private readonly CancellationTokenSource stop = new();
    private readonly List<Socket> open = [];
    private volatile bool down;

    public CuttableProxy(Uri target)
    {
        this.target = target;
        listener.Start();
        _ = AcceptAsync();
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");

    /// <summary>Resets every connection now and refuses new ones.</summary>
    public void Cut()
    {
        down = true;
        lock (open)
        {
            foreach (var socket in open) Reset(socket);
            open.Clear();
        }
    }

    public void Restore() => down = false;

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await listener.AcceptSocketAsync(stop.Token); }
            catch { return; }
            if (down) { Reset(client); continue; }
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, target.Port, stop.Token);
            lock (open) { open.Add(client); open.Add(server); }
            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch { /* cut or closed */ }
        finally
        {
            lock (open) { open.Remove(client); open.Remove(server); }
            client.Dispose();
            server.Dispose();
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var n = await from.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
            if (n == 0) { to.Shutdown(SocketShutdown.Send); return; }
            await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, stop.Token);
        }
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0); // close with RST: the peer sees the connection fail, not end
            socket.Close();
        }
        catch (ObjectDisposedException) { }
    }

    public ValueTask DisposeAsync()
    {
        stop.Cancel();
        listener.Stop();
        Cut();
        return ValueTask.CompletedTask;
    }
}
