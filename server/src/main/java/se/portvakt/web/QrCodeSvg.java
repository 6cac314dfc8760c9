package se.portvakt.web;

import io.nayuki.qrcodegen.QrCode;
import org.springframework.web.util.HtmlUtils;

/**
 * A QR code as an inline SVG element, for the pages that show one (setting up an authenticator app in journey
 * step 4, pairing the push app). It lives in {@code web} because it is a page piece that several factors share.
 *
 * <p>The drawing is one {@code <path>} of the dark modules on a white square with the quiet zone of 4 modules
 * that readers need; dark runs in a row are merged, which keeps the markup small. There is no width or height,
 * only a {@code viewBox}, so the page's CSS sets the size; {@code shape-rendering="crispEdges"} keeps the
 * modules sharp at any scale. Error correction is at least MEDIUM (qrcodegen raises it when that costs no size).
 */
public final class QrCodeSvg {

    /** Light modules around the code, as ISO/IEC 18004 requires. */
    static final int QUIET_ZONE = 4;

    private static final String DEFAULT_LABEL = "QR code";

    private QrCodeSvg() {}

    /** The SVG for {@code text}, labelled only "QR code"; pages pass a translated label with {@link #of(String, String)}. */
    public static String of(String text) {
        return of(text, DEFAULT_LABEL);
    }

    /**
     * The SVG for {@code text}, with {@code label} as its accessible name ({@code role="img"} and
     * {@code aria-label}).
     *
     * @throws io.nayuki.qrcodegen.DataTooLongException when the text does not fit in any QR code
     */
    public static String of(String text, String label) {
        QrCode qr = encode(text);
        int side = qr.size + 2 * QUIET_ZONE;
        StringBuilder svg = new StringBuilder(64 + qr.size * qr.size);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(side).append(' ').append(side)
                .append("\" role=\"img\" aria-label=\"").append(HtmlUtils.htmlEscape(label, "UTF-8"))
                .append("\" shape-rendering=\"crispEdges\">")
                .append("<rect width=\"").append(side).append("\" height=\"").append(side).append("\" fill=\"#fff\"/>")
                .append("<path fill=\"#000\" d=\"");
        for (int y = 0; y < qr.size; y++) {
            int x = 0;
            while (x < qr.size) {
                if (!qr.getModule(x, y)) {
                    x++;
                    continue;
                }
                int start = x;
                while (x < qr.size && qr.getModule(x, y)) {
                    x++;
                }
                int run = x - start;
                svg.append('M').append(start + QUIET_ZONE).append(',').append(y + QUIET_ZONE)
                        .append('h').append(run).append("v1h-").append(run).append('z');
            }
        }
        return svg.append("\"/></svg>").toString();
    }

    /** The code that {@link #of} draws; tests compare the drawing with it. */
    static QrCode encode(String text) {
        return QrCode.encodeText(text, QrCode.Ecc.MEDIUM);
    }
}
