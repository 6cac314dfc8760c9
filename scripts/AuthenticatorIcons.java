import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

/**
 * Draws the Portvakt Authenticator's icons (the web app's manifest and the iOS home screen) from the logo of the
 * sign-in pages (static/favicon.svg: a white gate on a blue rounded square) with a green tick for "approved", so
 * the icons need no drawing program and can be made again after a change:
 * {@code java -Djava.awt.headless=true scripts/AuthenticatorIcons.java server/src/main/resources/static/authenticator/icons}.
 */
public class AuthenticatorIcons {

    private static final Color BLUE = new Color(0x1d4ed8);
    private static final Color GREEN = new Color(0x15803d);

    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args.length > 0 ? args[0] : ".");
        Files.createDirectories(folder);
        // "any": the rounded square of the logo, transparent corners, as the favicon.
        write(icon(192, true, 1.0), folder.resolve("icon-192.png"));
        write(icon(512, true, 1.0), folder.resolve("icon-512.png"));
        // "maskable": a full square that a launcher cuts to its own shape; the drawing stays inside the central
        // circle of 80 % (the safe zone): at 80 % its farthest point is 32 % from the centre.
        write(icon(512, false, 0.8), folder.resolve("icon-maskable-512.png"));
        // iOS fills transparency with black and rounds the corners itself: a full square, drawing at 80 %.
        write(icon(180, false, 0.8), folder.resolve("apple-touch-icon.png"));
    }

    /** The icon {@code size} pixels square; the gate and tick scaled by {@code scale} around the centre. */
    static BufferedImage icon(int size, boolean roundedCorners, double scale) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        double unit = size / 40.0; // the favicon's 40 x 40 view box
        g.setColor(BLUE);
        if (roundedCorners) {
            g.fill(new RoundRectangle2D.Double(0, 0, size, size, 20 * unit, 20 * unit));
        } else {
            g.fillRect(0, 0, size, size);
        }
        AffineTransform drawing = new AffineTransform();
        drawing.translate(size / 2.0, size / 2.0);
        drawing.scale(unit * scale, unit * scale);
        drawing.translate(-22.25, -22.25); // the centre of the gate and the tick together
        g.transform(drawing);
        // The gate of favicon.svg: M11 30V16l9-6 9 6v14h-6v-8h-6v8z, moved up and left to make room for the tick.
        Path2D gate = new Path2D.Double();
        gate.moveTo(9, 29);
        gate.lineTo(9, 15);
        gate.lineTo(18, 9);
        gate.lineTo(27, 15);
        gate.lineTo(27, 29);
        gate.lineTo(21, 29);
        gate.lineTo(21, 21);
        gate.lineTo(15, 21);
        gate.lineTo(15, 29);
        gate.closePath();
        g.setColor(Color.WHITE);
        g.fill(gate);
        // The tick in a green disc with a blue ring, over the gate's lower right corner.
        g.setColor(BLUE);
        g.fill(new Ellipse2D.Double(21.5, 21.5, 14, 14));
        g.setColor(GREEN);
        g.fill(new Ellipse2D.Double(23, 23, 11, 11));
        Path2D tick = new Path2D.Double();
        tick.moveTo(25.6, 28.7);
        tick.lineTo(27.8, 30.9);
        tick.lineTo(31.6, 26.3);
        g.setColor(Color.WHITE);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(tick);
        g.dispose();
        return image;
    }

    private static void write(BufferedImage image, Path file) throws IOException {
        ImageIO.write(image, "png", file.toFile());
        System.out.println(file + " " + image.getWidth() + "x" + image.getHeight());
    }
}
