#!/bin/sh
# The report tests render .docx to PDF with LibreOffice and look at the pages with
# poppler (pdftoppm, pdffonts). The PDF uses open CJK fonts: FandolFang (仿宋) and
# FandolKai (楷) from texlive-lang-chinese, Noto CJK for the others.
# Install what is missing (as root, with apt-get) and make the Fandol fonts visible to
# fontconfig; otherwise say loudly that the PDF tests will be skipped.
set -u
FANDOL=/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol
FONT_LINK=/usr/local/share/fonts/fandol

have_all() {
    command -v soffice >/dev/null 2>&1 \
        && command -v pdftoppm >/dev/null 2>&1 \
        && [ -f "$FANDOL/FandolFang-Regular.otf" ] \
        && fc-list 2>/dev/null | grep -qi "Noto Serif CJK SC"
}

fandol_visible() {
    fc-list 2>/dev/null | grep -qi "FandolFang"
}

if ! have_all; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing LibreOffice, poppler and CJK fonts with apt-get for the report tests ..."
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends libreoffice-writer-nogui texlive-lang-chinese \
            poppler-utils fonts-noto-cjk fontconfig >/dev/null
    fi
fi

if [ -d "$FANDOL" ] && ! fandol_visible; then
    if [ "$(id -u)" = "0" ]; then
        mkdir -p /usr/local/share/fonts
        ln -sfn "$FANDOL" "$FONT_LINK"
        fc-cache -f >/dev/null 2>&1
    else
        mkdir -p "${HOME}/.local/share/fonts"
        ln -sfn "$FANDOL" "${HOME}/.local/share/fonts/fandol"
        fc-cache -f >/dev/null 2>&1
    fi
fi

if have_all && fandol_visible; then
    exit 0
fi
echo "############################################################################" >&2
echo "# WARNING: LibreOffice (soffice), poppler-utils or the open CJK fonts        #" >&2
echo "# (texlive-lang-chinese, fonts-noto-cjk) are missing and could not be        #" >&2
echo "# installed. The PDF report tests will be SKIPPED. Install them as root:    #" >&2
echo "#   apt-get install libreoffice-writer-nogui texlive-lang-chinese \\         #" >&2
echo "#       poppler-utils fonts-noto-cjk                                         #" >&2
echo "############################################################################" >&2
exit 0
