package org.hwpersonality.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A database that comes up later, as a node sees it: nothing listens on {@link #port()} until {@link #start()}, then
 * every connection is forwarded, byte for byte, to the real server at {@code target}.
 */
final class TcpForwarder implements AutoCloseable {
    private final int port;
    private final int target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;

    TcpForwarder(int target) throws IOException {
        this.port = Distribution.freePort();
        this.target = target;
    }

    int port() {
        return port;
    }

    /** From now on the port accepts connections and forwards them. */
    void start() throws IOException {
        server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(this::accept, "forwarder-" + port);
        accepting.setDaemon(true);
        accepting.start();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                open.add(client);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(
                () -> {
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        in.transferTo(out);
                    } catch (IOException e) {
                        // one side went away: the other is closed below
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                    }
                },
                "forwarder-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
        }
        open.forEach(TcpForwarder::closeQuietly);
    }
}
