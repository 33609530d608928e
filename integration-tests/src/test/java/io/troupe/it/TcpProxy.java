package io.troupe.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy to one address, whose connections a test can cut: what a client sees when
 * the network between it and a node breaks.
 */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress to;
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  TcpProxy(String hostPort) throws IOException {
    int colon = hostPort.lastIndexOf(':');
    this.to =
        new InetSocketAddress(
            hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "tcp-proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  /** The proxy's address, host:port. */
  String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** How many connections pass through the proxy now. */
  int connections() {
    return open.size() / 2;
  }

  /** Cuts every connection through the proxy; new ones are still taken. */
  void cut() {
    for (Socket s : open) {
      close(s);
    }
    open.clear();
  }

  @Override
  public void close() {
    close(server);
    cut();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket in = server.accept();
        Socket out = new Socket(to.getAddress(), to.getPort());
        open.add(in);
        open.add(out);
        pipe(in, out);
        pipe(out, in);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[1 << 14];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  out.write(buf, 0, n);
                }
              } catch (IOException e) {
                // cut, or the other side left
              } finally {
                close(from);
                close(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "tcp-proxy-pipe");
    t.setDaemon(true);
    t.start();
  }

  private static void close(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
