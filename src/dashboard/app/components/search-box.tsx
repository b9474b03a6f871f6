/** A search field over queue items: their text, file, schema or id. */
export function SearchBox({ label, value, onInput }: { label: string; value: string; onInput: (text: string) => void }) {
  return (
    <label class="search">
      <span class="sr-only">{label}</span>
      <input type="search" placeholder="Search text, file, schema or id" value={value} onInput={(event) => onInput(event.currentTarget.value)} />
    </label>
  );
}
