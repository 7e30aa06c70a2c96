package org.hwpersonality.benchmarks.load;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One kept-alive HTTP/1.1 connection, used by one thread. The load generator shares the machine with the server
 * it measures, so its client must cost little: a request is one write, a response one buffered read (Content-Length
 * or chunked). A connection the server closed while idle is replaced once, transparently.
 */
final class HttpConnection implements Closeable {
    /** A response: status and body. */
    record Reply(int statusCode, String body) {}

    private static final int TIMEOUT_MS = 60_000;

    private final String host;
    private final int port;
    private final String basePath;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    /** Requests go to paths relative to {@code base} (an http URI ending in '/'). */
    HttpConnection(URI base) {
        if (!"http".equals(base.getScheme())) {
            throw new IllegalArgumentException("the load generator speaks plain http: " + base);
        }
        this.host = base.getHost();
        this.port = base.getPort() < 0 ? 80 : base.getPort();
        this.basePath = base.getRawPath();
    }

    Reply send(String method, String path, String authorization, String json) throws IOException {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(256)
                .append(method)
                .append(' ')
                .append(basePath)
                .append(path)
                .append(" HTTP/1.1\r\nHost: ")
                .append(host)
                .append(':')
                .append(port)
                .append("\r\nAuthorization: ")
                .append(authorization)
                .append("\r\nAccept: application/json\r\n");
        if (json != null) {
            head.append("Content-Type: application/json\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        boolean reused = socket != null;
        try {
            return exchange(request);
        } catch (StaleConnection e) {
            close();
            if (!reused) {
                throw e;
            }
            return exchange(request); // the server had closed the idle connection before reading the request
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private Reply exchange(byte[] request) throws IOException {
        if (socket == null) {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.setSoTimeout(TIMEOUT_MS);
            s.connect(new InetSocketAddress(host, port), 5_000);
            socket = s;
            in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
            out = s.getOutputStream();
        }
        out.write(request);
        out.flush();
        String status = line(true);
        if (!status.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closing = false;
        for (String header = line(false); !header.isEmpty(); header = line(false)) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" ->
                    chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closing = value.equalsIgnoreCase("close");
                default -> {}
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (chunked) {
            for (int size = Integer.parseInt(chunkSize(line(false)), 16);
                    size > 0;
                    size = Integer.parseInt(chunkSize(line(false)), 16)) {
                bytes.write(in.readNBytes(size));
                line(false);
            }
            while (!line(false).isEmpty()) {
                // trailers
            }
        } else if (length >= 0) {
            byte[] b = in.readNBytes((int) length);
            if (b.length < length) {
                throw new EOFException("response body cut short");
            }
            bytes.write(b);
        } else {
            bytes.write(in.readAllBytes());
            closing = true;
        }
        if (closing) {
            close();
        }
        return new Reply(code, bytes.toString(StandardCharsets.UTF_8));
    }

    private static String chunkSize(String line) {
        int semicolon = line.indexOf(';');
        return (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
    }

    /** One CRLF-terminated line; at the first byte of a response, end of stream means a stale connection. */
    private String line(boolean first) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        for (int b = in.read(); ; b = in.read()) {
            if (b < 0) {
                if (first && sb.isEmpty()) {
                    throw new StaleConnection();
                }
                throw new EOFException("connection closed mid-response");
            }
            if (b == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) b);
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
            socket = null;
            in = null;
            out = null;
        }
    }

    /** The server closed the connection before answering. */
    private static final class StaleConnection extends EOFException {
        StaleConnection() {
            super("the server closed the connection before answering");
        }
    }
}
