// Name search by two-character pieces. Chinese names have no spaces and a search for "潘天" must find
// "杭州潘天寿环境艺术设计有限公司": every two-character piece of a name is indexed, a query's pieces must all be
// present, and the name must then contain the query itself.

/** Folds case, width and punctuation away, so 「（中国）」 and "(中国)" search alike. */
export function searchText(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .toLowerCase()
    .replace(/[\s\u3000()（）[\]【】,，.。、·'"“”‘’\-—_/]+/g, '');
}

/** The distinct two-character pieces of a text (a one-character text is its own piece). */
export function searchGrams(text: string): string[] {
  const chars = [...searchText(text)];
  if (chars.length === 1) return chars;
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i]! + chars[i + 1]!);
  return [...grams];
}
