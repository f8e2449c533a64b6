"""Which organisations' search texts contain a piece of text, without reading every text.

Built once per snapshot (snapshot.py) from each organisation's folded search columns: the
distinct words of all of them, sorted (the vocabulary), and for each word the organisations
whose texts hold it (its postings). A typed stem holds no space, and the texts are words
between spaces, so a text contains the stem exactly when one of its words does: the look-up
finds the vocabulary's words that contain the stem (one `str.find` pass over the vocabulary,
written out once as one string, instead of a pass over every organisation's texts) and unites
their postings. The answer is the one the scan `stem in text` gives (a property test compares
them, tests/test_word_index.py); where the words found would cost more to unite than scanning
(a one-letter stem is in most words), or the text holds a space, the texts are scanned.

On the 10,000 organisations of bench/generate.py (3,942 distinct words, 616,631 postings): a
stem of the bench's words in 0.12-0.13 ms (median) against 6.9-8.6 ms for the scan; the index
is built in 170-260 ms and holds 5.6 MB (docs/PERFORMANCE.md, issue 11).
"""

from bisect import bisect_right

#: Unite postings only while they hold fewer ids than this many times the organisations (past
#: it, scanning the texts is as quick: one id costs 20-50 ns to unite, the scan 0.25-0.7 µs an
#: organisation).
SCAN_FACTOR = 6


class WordIndex:
    """Postings of every word of the texts, and the vocabulary as one searchable string."""

    def __init__(self, texts: dict[int, tuple[str, str, str]], scan_factor: int = SCAN_FACTOR):
        #: organisation id -> its three texts (names, labels, body), scanned where uniting
        #: postings would cost more
        self._texts = texts
        postings: dict[str, list[int]] = {}
        for pk, (names, labels, body) in texts.items():
            for word in {*names.split(), *labels.split(), *body.split()}:
                found = postings.get(word)
                if found is None:
                    postings[word] = [pk]
                else:
                    found.append(pk)
        #: The vocabulary, sorted, and each word's organisations.
        self.words = sorted(postings)
        self.postings = [tuple(postings[word]) for word in self.words]
        #: The vocabulary between spaces, where each word starts in it, and where a word after
        #: the last would start.
        self._joined = " " + " ".join(self.words) + " "
        self._starts = []
        at = 1
        for word in self.words:
            self._starts.append(at)
            at += len(word) + 1
        self._starts.append(at)
        self._budget = scan_factor * len(texts)

    def scan(self, text: str) -> set[int]:
        """The organisations whose texts contain `text`, by testing each text."""
        return {
            pk
            for pk, (names, labels, body) in self._texts.items()
            if text in names or text in labels or text in body
        }

    def containing(self, text: str) -> set[int]:
        """The organisations whose texts contain `text`: what `scan` answers."""
        if not text or text.split() != [text]:
            return self.scan(text)  # empty, or holding spaces: not a piece of one word
        joined, starts, postings, budget = self._joined, self._starts, self.postings, self._budget
        found, total = [], 0
        at = joined.find(text)
        while at >= 0:
            index = bisect_right(starts, at) - 1
            ids = postings[index]
            total += len(ids)
            if total > budget:
                return self.scan(text)
            found.append(ids)
            # On from the next word: a word is counted once however often it holds the text.
            at = joined.find(text, starts[index + 1])
        return set().union(*found)
